from odoo import models


class ReportCertLicenseXlsx(models.AbstractModel):
    _name = "report.cert_issuance.license_xlsx"
    _inherit = "report.cert_issuance.list_xlsx"
    _description = "Licenses Excel Report"
