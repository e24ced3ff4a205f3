from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telephony_default_country_id = fields.Many2one(related="company_id.telephony_default_country_id", readonly=False)
