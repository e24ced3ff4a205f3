from odoo import models


class ReportSubscriptionDebtorAgingXlsx(models.AbstractModel):
    """Excel debtors aging: one row per customer, the amount due in each age bucket and in total."""

    _name = "report.subscription_billing.debtor_aging_xlsx"
    _inherit = "report.subscription_billing.xlsx_table"
    _description = "Debtors Aging Excel Report"

    def generate_xlsx_report(self, workbook, data, objs):
        aging = self.env["subscription.debtor.aging"]
        buckets = aging._fields["bucket"]._description_selection(self.env)
        totals = {}
        for partner, bucket, amount in aging._read_group(
            [("id", "in", objs.ids)], ["partner_id", "bucket"], ["amount_residual:sum"]
        ):
            totals.setdefault(partner, dict.fromkeys(key for key, _label in buckets))[bucket] = amount
        rows = []
        for partner, amounts in sorted(totals.items(), key=lambda item: item[0].display_name or ""):
            values = [amounts[key] or 0.0 for key, _label in buckets]
            rows.append([partner.display_name, *values, sum(values)])
        money = self._report_xlsx_currency_format(self.env.company.currency_id)
        columns = [
            (self.env._("Customer"), None),
            *((label, money) for _key, label in buckets),
            (self.env._("Total"), money),
        ]
        self._write_table(workbook, self.env._("Debtors aging"), columns, rows)
