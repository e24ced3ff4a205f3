from odoo import api, fields, models

from ..tools import matching


class AccountMove(models.Model):
    _inherit = "account.move"

    bank_reference_key = fields.Char(
        compute="_compute_bank_reference_key",
        store=True,
        index="btree_not_null",
        help="The customer invoice's number as bank lines are compared with it.",
    )

    @api.depends("name", "move_type")
    def _compute_bank_reference_key(self):
        for move in self:
            key = (
                move.move_type == "out_invoice" and move.name and move.name != "/" and matching.reference_key(move.name)
            )
            move.bank_reference_key = key or False
