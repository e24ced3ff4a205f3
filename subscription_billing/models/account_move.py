from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    subscription_run_id = fields.Many2one(
        "subscription.billing.run", "Billing Run", readonly=True, copy=False, index="btree_not_null"
    )
