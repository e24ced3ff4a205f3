from . import cert_license_import
from . import cert_xlsx_export
