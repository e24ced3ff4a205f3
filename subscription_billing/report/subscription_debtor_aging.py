from odoo import fields, models, tools
from odoo.tools import SQL

BUCKETS = [
    ("0_not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("2_60", "31-60 days"),
    ("3_90", "61-90 days"),
    ("4_older", "Over 90 days"),
]


class SubscriptionDebtorAging(models.Model):
    """Open subscription invoices by how long they are overdue, per customer, group and tariff."""

    _name = "subscription.debtor.aging"
    _description = "Debtors Aging"
    _auto = False
    _order = "days_overdue desc, id"

    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    subscription_id = fields.Many2one("subscription.subscription", readonly=True)
    customer_group_id = fields.Many2one("subscription.customer.group", readonly=True)
    tariff_id = fields.Many2one("subscription.tariff", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    invoice_date_due = fields.Date("Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True)
    bucket = fields.Selection(BUCKETS, "Age", readonly=True)
    amount_residual = fields.Float("Amount Due", readonly=True, digits="Account")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE VIEW %s AS (
    SELECT m.id AS id, m.id AS move_id, m.commercial_partner_id AS partner_id, s.id AS subscription_id,
           s.customer_group_id, first_line.tariff_id, m.company_id, m.invoice_date_due,
           GREATEST(CURRENT_DATE - m.invoice_date_due, 0) AS days_overdue,
           CASE WHEN m.invoice_date_due >= CURRENT_DATE THEN '0_not_due'
                WHEN CURRENT_DATE - m.invoice_date_due <= 30 THEN '1_30'
                WHEN CURRENT_DATE - m.invoice_date_due <= 60 THEN '2_60'
                WHEN CURRENT_DATE - m.invoice_date_due <= 90 THEN '3_90'
                ELSE '4_older' END AS bucket,
           m.amount_residual_signed AS amount_residual
      FROM account_move m
      JOIN LATERAL (
            SELECT l.subscription_id, sl.tariff_id
              FROM account_move_line l
              LEFT JOIN subscription_line sl ON sl.id = l.subscription_line_id
             WHERE l.move_id = m.id AND l.subscription_id IS NOT NULL
          ORDER BY l.id LIMIT 1
      ) first_line ON TRUE
      JOIN subscription_subscription s ON s.id = first_line.subscription_id
     WHERE m.state = 'posted' AND m.move_type = 'out_invoice' AND m.payment_state IN ('not_paid', 'partial')
)""",
                SQL.identifier(self._table),
            )
        )

    def action_export_xlsx(self):
        """Excel file of the selected rows (all when none): one row per customer, the amount due per age."""
        report = self.env.ref("subscription_billing.action_report_debtor_aging_xlsx")
        return report.report_action(self or self.search([]), config=False)
