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

    def _subscription_today(self):
        """Today's date where the company is (its address's time zone), else where the user is.

        Billing dates are calendar days of the company: a price recorded, a period billed or a
        subscription closed at 00:30 in Tallinn belongs to that day, not to yesterday in UTC.
        """
        self.ensure_one()
        tz = self.partner_id.tz or self.env.context.get("tz") or self.env.user.tz
        return fields.Date.context_today(self.with_context(tz=tz))
