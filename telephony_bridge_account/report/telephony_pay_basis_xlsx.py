from collections import defaultdict

from odoo import models

FIGURES = ("quantity", "talk_minutes", "charged_minutes", "hours_bought", "amount", "item_price")


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
            {"header": _("Employee"), "format": text},
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
        last = max(len(rows), 1)
        sheet.add_table(0, 0, last, len(columns) - 1, {"columns": columns, "data": rows})
        # Totals basis by basis, as figures, not formulas: a total across different bases
        # (calls, hours bought, invoices, certificate sets) would add unlike things.
        totals = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
        for (_user, kind, _service), figures in lines:
            for name in FIGURES:
                totals[kind][name] += figures[name]
        row_index = last + 2
        for kind in sorted(totals, key=lambda k: kinds.get(k, k or "")):
            sheet.write_string(row_index, 0, _("Total"))
            sheet.write_string(row_index, 2, kinds.get(kind, kind or ""))
            for column, name in enumerate(FIGURES, start=4):
                sheet.write_number(row_index, column, totals[kind][name], number)
            row_index += 1
        sheet.autofit()

    def get_workbook_options(self):
        return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
