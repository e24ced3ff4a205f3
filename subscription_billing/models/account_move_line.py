from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    subscription_id = fields.Many2one(
        "subscription.subscription", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    subscription_line_id = fields.Many2one(
        "subscription.line", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    subscription_date_from = fields.Date("Service From", readonly=True, copy=False)
    subscription_date_to = fields.Date("Service To", readonly=True, copy=False)
