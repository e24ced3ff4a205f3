from collections import defaultdict

from odoo import models

FIGURES = ("quantity", "talk_minutes", "charged_minutes", "amount")


class ReportTelephonyPayBasisXlsx(models.AbstractModel):
    """Excel file of pay bases: one line per employee, basis and service with its sums."""

    _name = "report.telephony_bridge_account.pay_basis_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Pay Bases Excel Report"

    def generate_xlsx_report(self, workbook, data, objs):
        _ = self.env._
        kinds = dict(objs._fields["kind"]._description_selection(self.env))
        sums = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        periods = defaultdict(set)
        for row in objs:
            key = (row.user_id, row.kind, row.service_id)
            for name in FIGURES:
                sums[key][name] += row[name]
            periods[key].add(row.date.strftime("%Y-%m") if row.date else "")
        lines = sorted(
            sums.items(),
            key=lambda item: (item[0][0].name or "", item[0][1] or "", item[0][2].name or ""),
        )
        text = workbook.add_format({"num_format": "@"})
        number = workbook.add_format({"num_format": "0.00"})
        columns = [
            {"header": _("Employee"), "format": text, "total_string": _("Total")},
            {"header": _("Period"), "format": text},
            {"header": _("Basis"), "format": text},
            {"header": _("Service"), "format": text},
            *({"header": objs._fields[name]._description_string(self.env), "format": number} for name in FIGURES),
        ]
        rows = [
            [
                user.name or _("Nobody"),
                ", ".join(sorted(periods[(user, kind, service)])),
                kinds.get(kind, kind or ""),
                service.name or "",
                *(figures[name] for name in FIGURES),
            ]
            for (user, kind, service), figures in lines
        ]
        sheet = workbook.add_worksheet(_("Pay bases"))
        sheet.add_write_handler(str, type(sheet).write_string)
        last = max(len(rows), 1) + 1
        sheet.add_table(0, 0, last, len(columns) - 1, {"columns": columns, "data": rows, "total_row": True})
        # Totals as figures, not formulas; a total of different bases means little, the
        # amount's does (sales and packages are both money).
        sheet.write_number(last, 7, sum(objs.mapped("amount")), number)
        sheet.autofit()

    def get_workbook_options(self):
        return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
