from . import test_campaign_billing
