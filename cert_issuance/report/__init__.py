from . import cert_issuance_report
from . import cert_list_xlsx
from . import cert_license_xlsx
from . import cert_certificate_set_xlsx
from . import cert_certificate_xlsx
from . import cert_issuance_report_xlsx
