from odoo import fields, models


class SubscriptionCustomerGroup(models.Model):
    _name = "subscription.customer.group"
    _description = "Subscription Customer Group"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code used in exports and price revisions.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    note = fields.Text()
    subscription_count = fields.Integer(compute="_compute_subscription_count")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Each customer group needs its own code."),
    ]

    def _compute_subscription_count(self):
        counts = dict(
            self.env["subscription.subscription"]._read_group(
                [("customer_group_id", "in", self.ids)], ["customer_group_id"], ["__count"]
            )
        )
        for group in self:
            group.subscription_count = counts.get(group, 0)
