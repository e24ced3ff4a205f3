from odoo import fields, models


class SubscriptionBillingPreviewLine(models.TransientModel):
    _name = "subscription.billing.preview.line"
    _description = "Billing Run Preview Line"
    _order = "partner_id, subscription_id, date_from, id"

    preview_id = fields.Many2one("subscription.billing.preview", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="preview_id.currency_id")
    subscription_id = fields.Many2one("subscription.subscription", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tariff_id = fields.Many2one("subscription.tariff", readonly=True)
    kind = fields.Selection([("charge", "Charge"), ("credit", "Credit")], readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    price_unit = fields.Float("Unit Price", readonly=True, digits="Product Price")
    discount = fields.Float("Discount (%)", readonly=True)
    amount = fields.Monetary("Amount (tax excluded)", readonly=True)
