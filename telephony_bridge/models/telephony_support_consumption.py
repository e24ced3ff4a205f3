from odoo import fields, models


class TelephonySupportConsumption(models.Model):
    _name = "telephony.support.consumption"
    _description = "Support Time Consumed"
    _order = "date desc, id desc"

    package_id = fields.Many2one("telephony.support.package", required=True, ondelete="cascade", index=True)
    call_id = fields.Many2one("telephony.call", ondelete="set null", index="btree_not_null")
    partner_id = fields.Many2one(related="package_id.partner_id", store=True)
    service_id = fields.Many2one(related="package_id.service_id", store=True)
    company_id = fields.Many2one(related="package_id.company_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    talk_seconds = fields.Integer(string="Talk Time (s)")
    minutes = fields.Float(string="Minutes Charged", digits=(16, 2), required=True)
    description = fields.Char()

    _sql_constraints = [
        ("call_unique", "UNIQUE(call_id)", "A call consumes support time once."),
    ]
