from odoo import fields, models, tools
from odoo.tools import SQL


class SubscriptionMrrReport(models.Model):
    """Monthly recurring revenue per month, subscription and tariff, with its movements.

    One row per (month, subscription, tariff) where the tariff bills something that month
    or billed something the month before. Per row, and so per tariff, customer group or
    any other grouping within a month::

        opening + new + expansion + reactivation + contraction + churn = closing

    where contraction and churn are negative amounts (what the month lost). Movements
    compare with the previous month: new (nothing the month before), reactivation
    (nothing the month before on the whole subscription, something earlier), expansion,
    contraction, churn (nothing now). A tariff change shows as churn of the old tariff and
    new revenue of the new one. Amounts are rounded to the currency per subscription and
    tariff, so the identity holds to the cent.

    Opening and closing MRR, ARR and the customers are levels: they are only given for
    groups within one month (see ``subscription.mrr.level.mixin``).
    """

    _name = "subscription.mrr.report"
    _inherit = ["subscription.mrr.level.mixin"]
    _description = "Monthly Recurring Revenue Analysis"
    _auto = False
    _order = "month desc, subscription_id"
    _mrr_level_fields = ("mrr_previous", "mrr", "arr", "mrr_retained", "customer_count")

    month = fields.Date(readonly=True)
    subscription_id = fields.Many2one("subscription.subscription", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tariff_id = fields.Many2one("subscription.tariff", readonly=True)
    customer_group_id = fields.Many2one("subscription.customer.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    mrr_previous = fields.Float(
        "Opening MRR", readonly=True, digits="Account", help="MRR at the end of the previous month (a level)."
    )
    mrr_new = fields.Float("New", readonly=True, digits="Account")
    mrr_expansion = fields.Float("Expansion", readonly=True, digits="Account")
    mrr_reactivation = fields.Float(
        "Reactivation", readonly=True, digits="Account", help="MRR of a subscription billing again after a pause."
    )
    mrr_contraction = fields.Float("Contraction", readonly=True, digits="Account", help="Negative: MRR lost.")
    mrr_churn = fields.Float("Churn", readonly=True, digits="Account", help="Negative: MRR lost.")
    mrr = fields.Float("Closing MRR", readonly=True, digits="Account", help="MRR at the end of the month (a level).")
    arr = fields.Float("Closing ARR", readonly=True, digits="Account", help="12 times the closing MRR.")
    mrr_retained = fields.Float(
        "Closing MRR of Existing Customers",
        readonly=True,
        digits="Account",
        help="Closing MRR of the customers who had MRR at the opening (for the net revenue retention).",
    )
    customer_count = fields.Integer(
        "Customers",
        readonly=True,
        aggregator="count_distinct",
        help="Customers with MRR at the end of the month.",
    )

    def _query(self):
        return SQL(
            """
WITH months AS (
    SELECT generate_series(
        date_trunc('month', (SELECT min(date_start) FROM subscription_subscription WHERE state != 'draft')),
        date_trunc('month', now()),
        interval '1 month'
    )::date AS month
),
line_month AS (
    SELECT m.month, l.subscription_id, l.tariff_id, s.customer_group_id, s.company_id, s.partner_id,
           cur.decimal_places,
           CASE WHEN l.date_start <= (m.month + interval '1 month' - interval '1 day')::date
                 AND (l.date_end IS NULL OR l.date_end >= m.month)
                 AND (s.state != 'suspended' OR s.date_suspended IS NULL OR s.date_suspended > m.month)
                THEN COALESCE(pc.price_new, CASE WHEN l.custom_price THEN l.price_unit END, tp.price, t.price, 0)
                     * l.quantity * (1 - COALESCE(l.discount, 0) / 100.0)
                     * CASE t.period_kind
                         WHEN 'month' THEN 1.0 / t.period_interval
                         WHEN 'quarter' THEN 1.0 / (3 * t.period_interval)
                         WHEN 'year' THEN 1.0 / (12 * t.period_interval)
                         ELSE 30.4375 / t.period_interval
                       END
                ELSE 0 END AS mrr
      FROM months m
      JOIN subscription_line l ON m.month >= date_trunc('month', l.date_start)
      JOIN subscription_subscription s ON s.id = l.subscription_id AND s.state != 'draft'
      JOIN res_currency cur ON cur.id = s.currency_id
      JOIN subscription_tariff t ON t.id = l.tariff_id AND t.tariff_type = 'recurring'
      LEFT JOIN LATERAL (
          SELECT c.price_new FROM subscription_price_change c
           WHERE c.line_id = l.id AND c.state != 'cancelled'
             AND c.date_effective <= (m.month + interval '1 month' - interval '1 day')::date
        ORDER BY c.date_effective DESC LIMIT 1) pc ON TRUE
      LEFT JOIN LATERAL (
          SELECT p.price FROM subscription_tariff_price p
           WHERE p.tariff_id = t.id AND p.date_start <= (m.month + interval '1 month' - interval '1 day')::date
        ORDER BY p.date_start DESC LIMIT 1) tp ON TRUE
),
grouped AS (
    SELECT month, subscription_id, tariff_id, customer_group_id, company_id, partner_id,
           round(sum(mrr)::numeric, max(decimal_places)) AS mrr
      FROM line_month
  GROUP BY month, subscription_id, tariff_id, customer_group_id, company_id, partner_id
),
subscription_month AS (
    SELECT month, subscription_id, sum(mrr) AS mrr
      FROM grouped
  GROUP BY month, subscription_id
),
subscription_history AS (
    SELECT month, subscription_id,
           COALESCE(LAG(mrr) OVER w, 0) AS mrr_previous,
           COALESCE(max(mrr) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS mrr_before
      FROM subscription_month
    WINDOW w AS (PARTITION BY subscription_id ORDER BY month)
),
movements AS (
    SELECT g.*,
           COALESCE(LAG(g.mrr) OVER (PARTITION BY g.subscription_id, g.tariff_id ORDER BY g.month), 0)
               AS mrr_previous,
           h.mrr_previous = 0 AND h.mrr_before > 0 AS resumed
      FROM grouped g
      JOIN subscription_history h ON h.month = g.month AND h.subscription_id = g.subscription_id
),
customers AS (
    SELECT *,
           sum(mrr_previous) OVER (PARTITION BY month, company_id, partner_id) > 0 AS existing_customer
      FROM movements
)
SELECT row_number() OVER (ORDER BY month, subscription_id, tariff_id) AS id,
       month, subscription_id, tariff_id, customer_group_id, company_id, partner_id,
       mrr::float8 AS mrr, mrr_previous::float8 AS mrr_previous, (12 * mrr)::float8 AS arr,
       (CASE WHEN mrr_previous = 0 AND mrr > 0 AND NOT resumed THEN mrr ELSE 0 END)::float8 AS mrr_new,
       (CASE WHEN mrr_previous = 0 AND mrr > 0 AND resumed THEN mrr ELSE 0 END)::float8 AS mrr_reactivation,
       (CASE WHEN mrr_previous > 0 AND mrr > mrr_previous THEN mrr - mrr_previous ELSE 0 END)::float8
           AS mrr_expansion,
       (CASE WHEN mrr > 0 AND mrr < mrr_previous THEN mrr - mrr_previous ELSE 0 END)::float8 AS mrr_contraction,
       (CASE WHEN mrr_previous > 0 AND mrr = 0 THEN -mrr_previous ELSE 0 END)::float8 AS mrr_churn,
       (CASE WHEN existing_customer THEN mrr ELSE 0 END)::float8 AS mrr_retained,
       CASE WHEN mrr > 0 THEN partner_id END AS customer_count
  FROM customers
 WHERE mrr <> 0 OR mrr_previous <> 0
"""
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
