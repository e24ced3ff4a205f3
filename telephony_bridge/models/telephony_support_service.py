from odoo import fields, models


class TelephonySupportService(models.Model):
    _name = "telephony.support.service"
    _description = "Prepaid Support Service"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    rounding_mode = fields.Selection(
        [("up", "Round up"), ("nearest", "Round to nearest"), ("none", "Exact minutes")],
        required=True,
        default="up",
    )
    rounding_step = fields.Integer(
        string="Rounding Step (min)", default=15, help="Talk time is counted in steps of this many minutes."
    )
    free_seconds = fields.Integer(string="Free Calls Up To (s)", default=30, help="Shorter calls consume nothing.")
    minimum_minutes = fields.Integer(string="Minimum Charge (min)", default=0)
    low_hours = fields.Float(
        string="Warn Below (h)", default=1.0, help="The package's responsible user gets a task when less remains."
    )
