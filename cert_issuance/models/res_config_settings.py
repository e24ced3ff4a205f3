from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cert_expiry_notice_days = fields.Char(related="company_id.cert_expiry_notice_days", readonly=False)
    cert_renewal_invoice = fields.Boolean(related="company_id.cert_renewal_invoice", readonly=False)
    cert_renewal_customer_notice = fields.Boolean(related="company_id.cert_renewal_customer_notice", readonly=False)
    cert_vendor_api_url = fields.Char(related="company_id.cert_vendor_api_url", readonly=False)
    cert_vendor_api_token = fields.Char(related="company_id.cert_vendor_api_token", readonly=False)
    cert_vendor_api_timeout = fields.Integer(related="company_id.cert_vendor_api_timeout", readonly=False)
