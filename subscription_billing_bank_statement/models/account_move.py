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
    bank_group_key = fields.Char(
        compute="_compute_bank_reference_key",
        store=True,
        index="btree_not_null",
        help="The customer invoice's number as bank lines are compared with it, zeros after each "
        "separator dropped (INV/2026/00012 and INV/2026/0012 are the same).",
    )

    @api.depends("name", "move_type")
    def _compute_bank_reference_key(self):
        for move in self:
            number = move.move_type == "out_invoice" and move.name != "/" and move.name
            move.bank_reference_key = (matching.reference_key(number) if number else "") or False
            move.bank_group_key = (matching.group_key(number) if number else "") or False
