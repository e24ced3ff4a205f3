from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    subscription_invoice_grouping = fields.Selection(
        [
            ("subscription", "One invoice per subscription"),
            ("partner", "One invoice per customer"),
        ],
        string="Invoice Grouping",
        default="subscription",
        required=True,
        help="How the recurring invoicing run groups the due subscriptions of a customer.",
    )
    subscription_cash_rounding_id = fields.Many2one(
        "account.cash.rounding",
        string="Cash Rounding of Invoices",
        help="Cash rounding method given to every recurring invoice, as on an invoice made by hand.",
    )
