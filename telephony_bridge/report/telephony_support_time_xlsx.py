from odoo import models


class ReportTelephonySupportTimeXlsx(models.AbstractModel):
    """Excel list of prepaid support packages: hours bought, used and left, with their totals."""

    _name = "report.telephony_bridge.support_time_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Remaining Support Time Excel Report"

    def generate_xlsx_report(self, workbook, data, objs):
        _ = self.env._
        packages = objs.sorted(lambda package: (package.partner_id.display_name or "", package.date_start))
        hours, text = workbook.add_format({"num_format": "0.00"}), workbook.add_format({"num_format": "@"})
        figures = ("hours_bought", "hours_used", "hours_remaining")
        columns = [
            {"header": _("Customer"), "format": text, "total_string": _("Total")},
            {"header": _("Service"), "format": text},
            {"header": _("Package"), "format": text},
            *({"header": packages._fields[name]._description_string(self.env), "format": hours} for name in figures),
            {"header": _("Valid Until"), "format": workbook.add_format({"num_format": "yyyy-mm-dd"})},
        ]
        rows = [
            [
                package.partner_id.display_name,
                package.service_id.name,
                package.name,
                *(package[name] for name in figures),
                package.date_end or None,
            ]
            for package in packages
        ]
        sheet = workbook.add_worksheet(_("Support time"))
        sheet.add_write_handler(str, type(sheet).write_string)
        last = max(len(rows), 1) + 1
        sheet.add_table(0, 0, last, len(columns) - 1, {"columns": columns, "data": rows, "total_row": True})
        # Totals as figures, not as formulas: the file reads the same in any spreadsheet program.
        for col, name in enumerate(figures, start=3):
            sheet.write_number(last, col, sum(packages.mapped(name)), hours)
        sheet.autofit()

    def get_workbook_options(self):
        # Customer and service names are written as text, never read as formulas, links or numbers.
        return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
