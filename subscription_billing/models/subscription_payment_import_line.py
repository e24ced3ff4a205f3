from odoo import fields, models


class SubscriptionPaymentImportLine(models.Model):
    _name = "subscription.payment.import.line"
    _description = "Payment Import Row"
    _order = "import_id, line"

    import_id = fields.Many2one("subscription.payment.import", required=True, ondelete="cascade", index=True)
    line = fields.Integer(required=True)
    status = fields.Selection([("new", "New"), ("duplicate", "Already received"), ("error", "Error")], required=True)
    reason = fields.Char()
    amount = fields.Float()
    date = fields.Date()
    transaction_id = fields.Char()
    identifier = fields.Char("Payer")
