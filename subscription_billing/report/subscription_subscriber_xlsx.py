from odoo import models


class ReportSubscriptionSubscriberXlsx(models.AbstractModel):
    """Excel list of subscribers: contract, customer, group, tariffs, MRR, balance, next invoice."""

    _name = "report.subscription_billing.subscriber_xlsx"
    _inherit = "report.subscription_billing.xlsx_table"
    _description = "Subscriber List Excel Report"

    def generate_xlsx_report(self, workbook, data, objs):
        subscriptions = objs.sorted("name")
        balances = dict(
            self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", subscriptions.partner_id.commercial_partner_id.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
        states = dict(subscriptions._fields["state"]._description_selection(self.env))
        rows = [
            [
                sub.name,
                sub.partner_id.display_name,
                sub.customer_group_id.name or "",
                states.get(sub.state, sub.state),
                ", ".join(sub.line_ids.filtered(lambda line: not line.date_end).mapped("tariff_id.name")),
                sub.recurring_monthly,
                balances.get(sub.partner_id.commercial_partner_id, 0.0),
                sub.next_invoice_date or None,
                sub.user_id.name or "",
            ]
            for sub in subscriptions
        ]
        _ = self.env._
        money = self._report_xlsx_currency_format(self.env.company.currency_id)
        columns = [
            (_("Contract Number"), None),
            (_("Customer"), None),
            (_("Customer Group"), None),
            (_("Status"), None),
            (_("Tariffs"), None),
            (_("Monthly Recurring Revenue (excl. tax)"), money),
            (_("Balance Owed (incl. tax)"), money),
            (_("Next Invoice"), "yyyy-mm-dd"),
            (_("Responsible"), None),
        ]
        self._write_table(workbook, _("Subscribers"), columns, rows)
