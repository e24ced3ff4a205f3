from odoo import models


class ReportCertCertificateSetXlsx(models.AbstractModel):
    _name = "report.cert_issuance.certificate_set_xlsx"
    _inherit = "report.cert_issuance.list_xlsx"
    _description = "Certificate Sets Excel Report"
