from odoo import api, fields, models

from ..tools import matching


class SubscriptionSubscription(models.Model):
    _inherit = "subscription.subscription"

    bank_reference_key = fields.Char(
        compute="_compute_bank_reference_key",
        store=True,
        index="btree_not_null",
        help="The contract number as bank lines are compared with it: no separators, no leading zeros.",
    )
    bank_group_key = fields.Char(
        compute="_compute_bank_reference_key",
        store=True,
        index="btree_not_null",
        help="The contract number as bank lines are compared with it, zeros after each separator dropped.",
    )

    @api.depends("name")
    def _compute_bank_reference_key(self):
        for sub in self:
            sub.bank_reference_key = matching.reference_key(sub.name) or False
            sub.bank_group_key = matching.group_key(sub.name) or False
