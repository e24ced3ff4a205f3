from odoo import api, models


class SubscriptionInvoiceBuilder(models.AbstractModel):
    _inherit = "subscription.invoice.builder"

    @api.model
    def _create_and_post(self, groups, today, run, journals):
        """The invoices of subscriptions with a saved payment method are charged by jobs once posted."""
        moves = super()._create_and_post(groups, today, run, journals)
        moves._subscription_autopay_enqueue()
        return moves
