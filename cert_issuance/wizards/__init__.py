from . import cert_license_import
