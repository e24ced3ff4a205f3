from odoo import fields, models, tools
from odoo.tools import SQL


class SubscriptionMrrReport(models.Model):
    """Monthly recurring revenue per month, subscription and tariff, with its movements.

    One row per (month, subscription, tariff) where the tariff bills something that month
    or billed something the month before. Movements compare with the previous month:
    new (nothing before), expansion, contraction, churn (nothing now). A tariff change
    shows as churn of the old tariff and new revenue of the new one.
    """

    _name = "subscription.mrr.report"
    _description = "Monthly Recurring Revenue Analysis"
    _auto = False
    _order = "month desc, subscription_id"

    month = fields.Date(readonly=True)
    subscription_id = fields.Many2one("subscription.subscription", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tariff_id = fields.Many2one("subscription.tariff", readonly=True)
    customer_group_id = fields.Many2one("subscription.customer.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    mrr = fields.Float("MRR", readonly=True, digits="Account")
    mrr_previous = fields.Float("MRR Previous Month", readonly=True, digits="Account")
    mrr_new = fields.Float("New", readonly=True, digits="Account")
    mrr_expansion = fields.Float("Expansion", readonly=True, digits="Account")
    mrr_contraction = fields.Float("Contraction", readonly=True, digits="Account")
    mrr_churn = fields.Float("Churn", readonly=True, digits="Account")

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
    SELECT month, subscription_id, tariff_id, customer_group_id, company_id, partner_id, sum(mrr) AS mrr
      FROM line_month
  GROUP BY month, subscription_id, tariff_id, customer_group_id, company_id, partner_id
),
movements AS (
    SELECT *, COALESCE(LAG(mrr) OVER (PARTITION BY subscription_id, tariff_id ORDER BY month), 0) AS mrr_previous
      FROM grouped
)
SELECT row_number() OVER (ORDER BY month, subscription_id, tariff_id) AS id,
       month, subscription_id, tariff_id, customer_group_id, company_id, partner_id,
       mrr, mrr_previous,
       CASE WHEN mrr_previous = 0 AND mrr > 0 THEN mrr ELSE 0 END AS mrr_new,
       CASE WHEN mrr_previous > 0 AND mrr > mrr_previous THEN mrr - mrr_previous ELSE 0 END AS mrr_expansion,
       CASE WHEN mrr > 0 AND mrr < mrr_previous THEN mrr - mrr_previous ELSE 0 END AS mrr_contraction,
       CASE WHEN mrr_previous > 0 AND mrr = 0 THEN -mrr_previous ELSE 0 END AS mrr_churn
  FROM movements
 WHERE mrr <> 0 OR mrr_previous <> 0
"""
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
