from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SubscriptionPaymentPromise(models.Model):
    """A customer's promise to pay, which postpones suspension; it expires with its date."""

    _name = "subscription.payment.promise"
    _description = "Promised Payment"
    _order = "date_until desc, id desc"

    subscription_id = fields.Many2one("subscription.subscription", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)
    date = fields.Date("Promised On", required=True, default=fields.Date.context_today)
    date_until = fields.Date(
        "Postpones Until", required=True, compute="_compute_date_until", store=True, readonly=False, precompute=True
    )
    note = fields.Char()

    @api.depends("date", "subscription_id.company_id")
    def _compute_date_until(self):
        policies = self.env["subscription.suspension.policy"]
        for promise in self:
            policy = policies._policy_of(promise.subscription_id.company_id) if promise.subscription_id else policies
            promise.date_until = fields.Date.add(promise.date, days=policy.promise_days or 7)

    @api.constrains("subscription_id", "date")
    def _check_once_a_month(self):
        for promise in self:
            month_start = promise.date.replace(day=1)
            others = self.search_count(
                [
                    ("subscription_id", "=", promise.subscription_id.id),
                    ("id", "!=", promise.id),
                    ("date", ">=", month_start),
                    ("date", "<", fields.Date.add(month_start, months=1)),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(contract)s already has a promised payment this month.",
                        contract=promise.subscription_id.name,
                    )
                )
