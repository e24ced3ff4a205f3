from odoo import fields, models


class TelephonyServiceTag(models.Model):
    """A service a conversation is about when no document stands for it.

    Subscriptions, licences and certificate sets are documents of their own addons;
    everything else a customer calls about ("website", "1C update", "router") is a tag.
    """

    _name = "telephony.service.tag"
    _description = "Conversation Service"
    _order = "name, id"

    name = fields.Char(required=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)

    _sql_constraints = [
        ("name_company_unique", "unique(name, company_id)", "A service with this name already exists."),
    ]
