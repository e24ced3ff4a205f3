from odoo import models


class ReportCertCertificateXlsx(models.AbstractModel):
    _name = "report.cert_issuance.certificate_xlsx"
    _inherit = "report.cert_issuance.list_xlsx"
    _description = "Certificates Excel Report"
