from odoo import fields, models


class SubscriptionPaymentPromise(models.Model):
    _inherit = "subscription.payment.promise"

    currency_id = fields.Many2one(related="subscription_id.currency_id")
    amount = fields.Monetary(
        "Promised Amount", help="What the customer promised to pay by the date the suspension is postponed to."
    )
    from_portal = fields.Boolean(
        "Asked in the Portal", readonly=True, help="The customer asked for this promise on their portal page."
    )
