import secrets

from odoo import Command, api, fields, models

# What a terminal's user may be member of (with what these imply): an internal user who
# registers the payments of subscriptions. An administrator, an accounting manager or a
# user with any other right is refused: an authenticated terminal runs with these rights.
TERMINAL_USER_GROUPS = (
    "base.group_user",
    "subscription_billing.group_subscription_billing_user",
    "account.group_account_invoice",
)


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
    user_id = fields.Many2one(
        "res.users",
        "Acts As",
        required=True,
        default=lambda self: self.env.ref("subscription_billing.user_payment_terminal", raise_if_not_found=False),
        help="The user the terminal's requests run as, once authenticated: its rights bound what a terminal can do.",
    )
    answer_format = fields.Selection([("xml", "XML"), ("json", "JSON")], default="xml", required=True)
    min_amount = fields.Monetary(default=1.0, currency_field="currency_id")
    max_amount = fields.Monetary(default=15000.0, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    endpoint_url = fields.Char(compute="_compute_endpoint_url")

    @api.model_create_multi
    def create(self, vals_list):
        terminals = super().create(vals_list)
        terminals._grant_company_to_user()
        return terminals

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "company_id" in vals:
            self._grant_company_to_user()
        return result

    @api.constrains("user_id")
    def _check_user_id(self):
        for terminal in self:
            terminal.user_id._subscription_check_terminal_user(terminal)

    def _grant_company_to_user(self):
        """The user a terminal acts as must work in the terminal's company."""
        for terminal in self:
            terminal.user_id.sudo().company_ids = [Command.link(terminal.company_id.id)]

    def _compute_endpoint_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for terminal in self:
            terminal.endpoint_url = f"{base}/subscription_billing/terminal/{terminal.id or 'ID'}"

    def action_new_secret(self):
        for terminal in self:
            terminal.secret = secrets.token_hex(24)
