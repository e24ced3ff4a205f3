from odoo import models


class ReportSubscriptionXlsxTable(models.AbstractModel):
    """The addon's Excel reports: one sheet holding one Excel table, every text kept as text."""

    _name = "report.subscription_billing.xlsx_table"
    _inherit = "report.report_xlsx.abstract"
    _description = "Subscription Billing Excel Table"

    def get_workbook_options(self):
        # A customer named "=HYPERLINK(...)" stays a name: no string becomes a formula, link or number.
        return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

    def _write_table(self, workbook, title, columns, rows):
        """Sheet ``title``: ``columns`` (header, Excel number format or None for text) over ``rows``."""
        specs = [{"header": name, "format": workbook.add_format({"num_format": fmt or "@"})} for name, fmt in columns]
        sheet = workbook.add_worksheet(title[:31])
        sheet.add_write_handler(str, type(sheet).write_string)
        sheet.add_table(0, 0, max(len(rows), 1), len(specs) - 1, {"columns": specs, "data": rows})
        sheet.autofit()
