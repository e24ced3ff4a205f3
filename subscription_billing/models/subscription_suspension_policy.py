import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class SubscriptionSuspensionPolicy(models.Model):
    """When a company suspends subscriptions for unpaid invoices, and whom it tells.

    The first active policy of a company (by sequence) applies. The daily cron
    suspends the active subscriptions whose oldest unpaid invoice is overdue by
    ``overdue_days`` (or that have ``unpaid_invoices`` overdue invoices), unless the
    customer promised to pay; paying everything overdue reactivates at once.
    """

    _name = "subscription.suspension.policy"
    _description = "Suspension Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    overdue_days = fields.Integer(
        "Suspend After (days overdue)", default=30, help="Days the oldest unpaid invoice is past its due date."
    )
    unpaid_invoices = fields.Integer(
        "Or After (overdue invoices)", help="Number of overdue unpaid invoices that suspends too; 0: not used."
    )
    promise_days = fields.Integer(
        "Promise Postpones By (days)", default=7, help="A customer may postpone suspension once a month."
    )
    provisioning_url = fields.Char(
        "Provisioning Address", help="HTTP address told of each suspension and reactivation (JSON, signed)."
    )
    provisioning_secret = fields.Char(
        groups="subscription_billing.group_subscription_billing_manager",
        help="Key of the HMAC-SHA256 signature sent in the X-Signature header.",
    )
    max_attempts = fields.Integer(default=8, help="Tries of a provisioning call before it is marked failed.")
    keep_billing = fields.Boolean(
        "Keep Billing While Suspended", help="Suspended subscriptions still get their recurring invoices."
    )

    def _policy_of(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _effective_policy_sql(self, subscription):
        """SQL of the policy that applies to ``subscription`` (a table alias or name).

        The subscription's own policy, else the one of its first tariff that has one, else
        the first active policy of its company.
        """
        alias = SQL.identifier(subscription)
        return SQL(
            """COALESCE(
                %(sub)s.suspension_policy_id,
                (SELECT t.suspension_policy_id FROM subscription_line l
                   JOIN subscription_tariff t ON t.id = l.tariff_id
                  WHERE l.subscription_id = %(sub)s.id AND t.suspension_policy_id IS NOT NULL
               ORDER BY l.id LIMIT 1),
                (SELECT p.id FROM subscription_suspension_policy p
                  WHERE p.company_id = %(sub)s.company_id AND p.active ORDER BY p.sequence, p.id LIMIT 1))""",
            sub=alias,
        )

    @api.model
    def _keeps_billing_sql(self, subscription):
        """SQL condition: the policy of a suspended ``subscription`` keeps billing it."""
        return SQL(
            "EXISTS (SELECT 1 FROM subscription_suspension_policy kb WHERE kb.id = %s AND kb.keep_billing)",
            self._effective_policy_sql(subscription),
        )

    @api.model
    def _effective_policies(self, subscriptions):
        """{subscription: policy} of the given subscriptions."""
        for model in ("subscription.subscription", "subscription.line", "subscription.tariff"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT s.id, %s FROM subscription_subscription s WHERE s.id = ANY(%s)",
                self._effective_policy_sql("s"),
                subscriptions.ids,
            )
        )
        return {subscriptions.browse(sub_id): self.browse(policy_id) for sub_id, policy_id in self.env.cr.fetchall()}

    def _overdue_subscriptions(self, today):
        """Active subscriptions of the policy's company that must be suspended today."""
        self.ensure_one()
        for model in ("account.move", "account.move.line", "subscription.subscription", "subscription.payment.promise"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id
                  FROM subscription_subscription s
                  JOIN LATERAL (
                        SELECT min(m.invoice_date_due) AS oldest, count(DISTINCT m.id) AS overdue
                          FROM account_move m
                          JOIN account_move_line l ON l.move_id = m.id AND l.subscription_id = s.id
                         WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                           AND m.payment_state IN ('not_paid', 'partial')
                           AND m.invoice_date_due < %(today)s
                  ) debt ON TRUE
                 WHERE s.state = 'active' AND %(effective)s = %(policy)s
                   AND (debt.oldest <= %(limit)s OR (%(count)s > 0 AND debt.overdue >= %(count)s))
                   AND NOT EXISTS (SELECT 1 FROM subscription_payment_promise p
                                    WHERE p.subscription_id = s.id AND p.date_until >= %(today)s)
                """,
                today=today,
                limit=fields.Date.subtract(today, days=self.overdue_days),
                count=self.unpaid_invoices,
                effective=self._effective_policy_sql("s"),
                policy=self.id,
            )
        )
        return self.env["subscription.subscription"].browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _cron_suspend_overdue(self, today=None):
        today = today or fields.Date.context_today(self)
        for policy in self.search([]):
            subs = policy._overdue_subscriptions(today)
            for sub in subs:
                sub.action_suspend()
                sub.message_post(body=self.env._("Suspended by %(policy)s: invoices overdue.", policy=policy.name))
            policy._notify_provisioning(subs, "suspend", today)
        return True

    def _notify_provisioning(self, subscriptions, event, today):
        self.ensure_one()
        if not subscriptions or not self.provisioning_url:
            return
        self.env["subscription.provisioning.call"].create(
            [{"subscription_id": sub.id, "policy_id": self.id, "event": event, "date": today} for sub in subscriptions]
        )  # each call is sent by a job of its own

    @api.model
    def _reactivate_paid(self, subscriptions, paid_moves=None):
        """Reactivate the suspended subscriptions that owe nothing overdue any more.

        The chatter says which invoices ``paid_moves`` were paid and what is still due (not
        yet overdue) and since when, so that an amount still due is not read as a mistake.
        """
        today = fields.Date.context_today(self)
        suspended = subscriptions.filtered(lambda sub: sub.state == "suspended")
        if not suspended:
            return
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT l.subscription_id FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
             WHERE l.subscription_id = ANY(%s) AND m.state = 'posted' AND m.move_type = 'out_invoice'
               AND m.payment_state IN ('not_paid', 'partial') AND m.invoice_date_due < %s
            """,
            [suspended.ids, today],
        )
        still_owing = {row[0] for row in self.env.cr.fetchall()}
        paid_up = suspended.filtered(lambda s: s.id not in still_owing)
        policies = self.sudo()._effective_policies(paid_up)
        for sub in paid_up:
            sub.action_activate()
            sub.message_post(
                body=self.env._(
                    "Reactivated: no invoice is overdue any more. %(status)s",
                    status=sub._payment_status_text(paid_moves),
                )
            )
            if policies.get(sub):
                policies[sub]._notify_provisioning(sub, "reactivate", today)
