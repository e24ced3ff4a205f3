from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telephony_default_country_id = fields.Many2one(
        "res.country",
        string="Default Phone Country",
        help="Country used to read phone numbers written without an international prefix. "
        "Leave empty to use the company's own country.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"telephony_default_country_id", "country_id"} & set(vals):
            self.env.registry.clear_cache()  # the PBXs' cached number region
        return result
