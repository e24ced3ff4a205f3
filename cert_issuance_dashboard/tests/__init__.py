from . import test_certificates_dashboard
