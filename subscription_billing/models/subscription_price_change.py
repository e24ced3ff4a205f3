from odoo import api, fields, models


class SubscriptionPriceChange(models.Model):
    """A price a subscription line will be billed from a date (made by a price revision)."""

    _name = "subscription.price.change"
    _description = "Subscription Price Change"
    _order = "date_effective, id"

    line_id = fields.Many2one("subscription.line", required=True, ondelete="cascade", index=True)
    subscription_id = fields.Many2one(related="line_id.subscription_id", store=True, index=True)
    partner_id = fields.Many2one(related="line_id.partner_id")
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    tariff_id = fields.Many2one(related="line_id.tariff_id", store=True)
    customer_group_id = fields.Many2one(related="line_id.customer_group_id", store=True)
    date_effective = fields.Date("Effective Date", required=True)
    price_old = fields.Monetary("Old Price")
    price_new = fields.Monetary("New Price", required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("applied", "Applied"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        index=True,
    )
    notified = fields.Boolean(help="The customer was sent the advance notice.")

    @api.depends("line_id", "date_effective", "price_new")
    def _compute_display_name(self):
        for change in self:
            change.display_name = f"{change.line_id.name}: {change.price_new} ({change.date_effective})"

    def action_cancel(self):
        self.filtered(lambda c: c.state == "pending").write({"state": "cancelled"})

    @api.model
    def _cron_apply_due_changes(self):
        """Mark as applied the changes now in force (billing already reads them by date)."""
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "pending"), ("date_effective", "<=", today)])
        due.write({"state": "applied"})
        return due
