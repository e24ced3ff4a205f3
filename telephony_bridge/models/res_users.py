from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    telephony_extension = fields.Char(
        string="Phone Extension",
        index="btree_not_null",
        copy=False,
        help="Internal extension of this user on the PBX: calls ringing there are shown to this user.",
    )
