from odoo import fields, models


class TelephonySupportPackage(models.Model):
    _inherit = "telephony.support.package"

    invoice_id = fields.Many2one(
        "account.move",
        index="btree_not_null",
        domain="[('move_type', '=', 'out_invoice'), ('partner_id', 'child_of', partner_id)]",
        help="The customer invoice the hours were sold with: once it is paid, the package counts "
        "in the pay bases of its responsible.",
    )
    invoice_payment_state = fields.Selection(related="invoice_id.payment_state", string="Payment Status")
