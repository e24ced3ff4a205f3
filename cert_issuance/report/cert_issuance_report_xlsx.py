from odoo import models


class ReportCertIssuanceReportXlsx(models.AbstractModel):
    _name = "report.cert_issuance.issuance_report_xlsx"
    _inherit = "report.cert_issuance.list_xlsx"
    _description = "Issuance Statistics Excel Report"
