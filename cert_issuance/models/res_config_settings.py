from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cert_expiry_notice_days = fields.Char(related="company_id.cert_expiry_notice_days", readonly=False)
