from odoo import fields, models


class SubscriptionTariffPrice(models.Model):
    _name = "subscription.tariff.price"
    _description = "Tariff Price History"
    _order = "tariff_id, date_start desc, id desc"

    tariff_id = fields.Many2one("subscription.tariff", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="tariff_id.company_id", store=True)
    currency_id = fields.Many2one(related="tariff_id.currency_id")
    date_start = fields.Date("Effective From", required=True, default=fields.Date.context_today)
    price = fields.Monetary(required=True)
    note = fields.Char(help="Why the price changed (price revision, promotion...).")

    _sql_constraints = [
        ("tariff_date_unique", "UNIQUE(tariff_id, date_start)", "A tariff has one price per effective date."),
    ]
