from . import cert_issuance_report
