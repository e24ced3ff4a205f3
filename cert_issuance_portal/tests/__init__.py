from . import test_portal_licenses
