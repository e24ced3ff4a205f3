from odoo import fields, models, tools
from odoo.tools import SQL


class SubscriptionMrrSummary(models.Model):
    """Recurring revenue of each month in one line: its movements, ARR, customers, ARPU and NRR.

    Built from the rows of ``subscription.mrr.report``, so both always agree:

    * ARR = 12 x closing MRR;
    * customers = customers with a closing MRR;
    * ARPU = closing MRR / customers;
    * net revenue retention = closing MRR of the customers who had MRR at the opening /
      opening MRR, in percent (new customers left out; their expansion, contraction,
      churn and reactivation counted).

    Levels and ratios are per month: none of them is ever added over months.
    """

    _name = "subscription.mrr.summary"
    _inherit = ["subscription.mrr.level.mixin"]
    _description = "Monthly Recurring Revenue Summary"
    _auto = False
    _order = "month desc, company_id"
    _mrr_level_fields = ("mrr_opening", "mrr_closing", "arr", "customer_count", "arpu", "nrr")

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    mrr_opening = fields.Float("Opening MRR", readonly=True, digits="Account")
    mrr_new = fields.Float("New", readonly=True, digits="Account")
    mrr_expansion = fields.Float("Expansion", readonly=True, digits="Account")
    mrr_reactivation = fields.Float("Reactivation", readonly=True, digits="Account")
    mrr_contraction = fields.Float("Contraction", readonly=True, digits="Account")
    mrr_churn = fields.Float("Churn", readonly=True, digits="Account")
    mrr_closing = fields.Float("Closing MRR", readonly=True, digits="Account")
    arr = fields.Float("ARR", readonly=True, digits="Account", help="12 times the closing MRR.")
    customer_count = fields.Integer("Customers", readonly=True, help="Customers with a closing MRR.")
    # A ratio is never added nor averaged: no aggregate at all.
    arpu = fields.Float("ARPU", readonly=True, digits="Account", aggregator=None, help="Closing MRR per customer.")
    nrr = fields.Float(
        "Net Revenue Retention (%)",
        readonly=True,
        digits=(16, 1),
        aggregator=None,
        help="Closing MRR of the customers who had MRR at the opening, in percent of the opening MRR.",
    )

    def _query(self):
        return SQL(
            """
SELECT row_number() OVER (ORDER BY month, company_id) AS id, month, company_id,
       sum(mrr_previous) AS mrr_opening,
       sum(mrr_new) AS mrr_new,
       sum(mrr_expansion) AS mrr_expansion,
       sum(mrr_reactivation) AS mrr_reactivation,
       sum(mrr_contraction) AS mrr_contraction,
       sum(mrr_churn) AS mrr_churn,
       sum(mrr) AS mrr_closing,
       sum(arr) AS arr,
       count(DISTINCT customer_count) AS customer_count,
       sum(mrr) / NULLIF(count(DISTINCT customer_count), 0) AS arpu,
       100 * sum(mrr_retained) / NULLIF(sum(mrr_previous), 0) AS nrr
  FROM (%s) detail
 GROUP BY month, company_id
""",
            self.env["subscription.mrr.report"]._query(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
