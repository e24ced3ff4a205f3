from odoo import fields, models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    provider_id = fields.Many2one(
        "telephony.sms.provider",
        string="SMS Provider",
        readonly=True,
        index="btree_not_null",
        help="The HTTP provider that sent the SMS: its technical user applies the SMS's delivery reports.",
    )
