from odoo import fields, models


class TelephonyCallTransfer(models.TransientModel):
    _name = "telephony.call.transfer"
    _description = "Transfer a Live Call"

    call_id = fields.Many2one("telephony.call", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users",
        string="Colleague",
        required=True,
        domain="[('telephony_extension', '!=', False), ('share', '=', False)]",
    )
    extension = fields.Char(related="user_id.telephony_extension")

    def action_transfer(self):
        self.ensure_one()
        self.call_id._transfer_to(self.user_id)
        return {"type": "ir.actions.act_window_close"}
