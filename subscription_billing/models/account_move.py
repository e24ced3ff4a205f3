from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    subscription_run_id = fields.Many2one(
        "subscription.billing.run", "Billing Run", readonly=True, copy=False, index="btree_not_null"
    )
    subscription_dunning_log_ids = fields.One2many("subscription.dunning.log", "move_id", "Reminders", readonly=True)

    def _invoice_paid_hook(self):
        # A full payment reactivates a suspended subscription at once, not at the next cron.
        result = super()._invoice_paid_hook()
        subscriptions = self.invoice_line_ids.subscription_id
        if subscriptions:
            self.env["subscription.suspension.policy"].sudo()._reactivate_paid(subscriptions)
        return result
