from . import test_campaign_cert_issuance
