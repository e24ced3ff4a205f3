import secrets

from odoo import fields, models


class SubscriptionPaymentTerminal(models.Model):
    """A payment-terminal network or aggregator that calls our check / pay endpoint."""

    _name = "subscription.payment.terminal"
    _description = "Payment Terminal Network"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain=[("type", "in", ("bank", "cash"))],
        help="Journal of the payments the terminals register.",
    )
    secret = fields.Char(
        required=True,
        copy=False,
        default=lambda self: secrets.token_hex(24),
        groups="subscription_billing.group_subscription_billing_manager",
        help="Shared with the terminal network: requests carry sign = HMAC-SHA256 of their parameters.",
    )
    answer_format = fields.Selection([("xml", "XML"), ("json", "JSON")], default="xml", required=True)
    min_amount = fields.Monetary(default=1.0, currency_field="currency_id")
    max_amount = fields.Monetary(default=15000.0, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    endpoint_url = fields.Char(compute="_compute_endpoint_url")

    def _compute_endpoint_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for terminal in self:
            terminal.endpoint_url = f"{base}/subscription_billing/terminal/{terminal.id or 'ID'}"

    def action_new_secret(self):
        for terminal in self:
            terminal.secret = secrets.token_hex(24)
