from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    subscription_invoice_grouping = fields.Selection(related="company_id.subscription_invoice_grouping", readonly=False)
    subscription_cash_rounding_id = fields.Many2one(related="company_id.subscription_cash_rounding_id", readonly=False)
