import re
import secrets

from odoo import Command, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError

from ..tools import terminal_protocol as protocol

# What a terminal's user may be member of (with what these imply): an internal user who
# registers the payments of subscriptions. An administrator, an accounting manager or a
# user with any other right is refused: an authenticated terminal runs with these rights.
TERMINAL_USER_GROUPS = (
    "base.group_user",
    "subscription_billing.group_subscription_billing_user",
    "account.group_account_invoice",
)


ACCOUNT_FIELDS = [
    ("contract", "Contract number"),
    ("partner_ref", "Subscriber account number"),
    ("phone", "Phone number"),
]


class SubscriptionPaymentTerminal(models.Model):
    """A payment-terminal network (QIWI/OSMP protocol and its clones) calling our check / pay endpoint.

    Its payments post to the network's clearing account (the outstanding account of its
    own payment method on the journal): the money reaches the bank later, in one transfer
    a day that the network's settlement registry explains.
    """

    _name = "subscription.payment.terminal"
    _description = "Payment Terminal Network"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    accept_payments = fields.Boolean(
        "Accepting Payments",
        default=True,
        help="Switched off, the network's requests are answered 8 (payment refused for technical reasons).",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain=[("type", "in", ("bank", "cash"))],
        help="Journal of the payments the terminals register.",
    )
    clearing_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        domain=[("reconcile", "=", True), ("account_type", "in", ("asset_current", "asset_cash"))],
        help="What the network owes us: its payments are posted here until its bank transfer settles the day.",
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        readonly=True,
        copy=False,
        check_company=True,
        help="The network's own incoming payment method on the journal, with the clearing account as its account.",
    )
    settlement_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain=[("type", "=", "bank")],
        help="Bank journal the network's daily transfer arrives on.",
    )
    partner_id = fields.Many2one("res.partner", "Network Company", help="The network as a company, on its transfers.")
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        default=lambda self: self.env.user.tz or "UTC",
        help="The time zone of the times the network writes in its daily registry (QIWI writes Moscow time).",
    )
    account_field = fields.Selection(
        ACCOUNT_FIELDS,
        "Account Is",
        default="contract",
        required=True,
        help="What the payer types at the terminal as the account: it is looked up in this field.",
    )
    account_pattern = fields.Char(
        "Account Format",
        default=r"[0-9A-Za-z/._-]{1,64}",
        required=True,
        help="Regular expression the whole account must match; other accounts are answered 4 (wrong format).",
    )
    allowed_ips = fields.Text(
        "Allowed Addresses",
        help="Source addresses or networks (CIDR) the network calls from, separated by spaces or commas.",
    )
    basic_login = fields.Char("HTTP Login", groups="subscription_billing.group_subscription_billing_manager")
    basic_password = fields.Char(
        "HTTP Password", copy=False, groups="subscription_billing.group_subscription_billing_manager"
    )
    signature_required = fields.Boolean(
        help="Ask for our own HMAC-SHA256 signature (parameter sign) too. Networks speaking the OSMP protocol "
        "send none: leave it off for them."
    )
    secret = fields.Char(
        copy=False,
        default=lambda self: secrets.token_hex(24),
        groups="subscription_billing.group_subscription_billing_manager",
        help="For the signature option: requests carry sign = HMAC-SHA256 of their parameters with this secret.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Acts As",
        copy=False,
        help="The network's technical user: its requests run as this user, in the network's company only.",
    )
    answer_format = fields.Selection([("xml", "XML"), ("json", "JSON")], default="xml", required=True)
    min_amount = fields.Monetary(default=1.0, currency_field="currency_id")
    max_amount = fields.Monetary(default=15000.0, currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    endpoint_url = fields.Char(compute="_compute_endpoint_url")

    @api.model_create_multi
    def create(self, vals_list):
        terminals = super().create(vals_list)
        terminals.filtered(lambda t: not t.user_id)._create_technical_users()
        terminals._grant_company_to_user()
        terminals._ensure_clearing_method()
        return terminals

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "company_id" in vals:
            self._grant_company_to_user()
        if {"clearing_account_id", "journal_id", "name"} & set(vals):
            self._ensure_clearing_method()
        return result

    @api.constrains("user_id")
    def _check_user_id(self):
        for terminal in self:
            if terminal.user_id:
                terminal.user_id._subscription_check_terminal_user(terminal)

    @api.constrains("account_pattern")
    def _check_account_pattern(self):
        for terminal in self:
            try:
                re.compile(terminal.account_pattern or "")
            except re.error as error:
                raise ValidationError(
                    self.env._(
                        "The account format of %(network)s is not a valid regular expression: %(error)s",
                        network=terminal.name,
                        error=error,
                    )
                ) from None

    @api.constrains("allowed_ips")
    def _check_allowed_ips(self):
        for terminal in self:
            try:
                protocol.parse_networks(terminal.allowed_ips)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "An allowed address of %(network)s is not an IP address or network: %(error)s",
                        network=terminal.name,
                        error=error,
                    )
                ) from None

    @api.constrains("clearing_account_id")
    def _check_clearing_account(self):
        for terminal in self:
            if terminal.clearing_account_id and not terminal.clearing_account_id.reconcile:
                raise ValidationError(
                    self.env._(
                        "The clearing account %(account)s of %(network)s must allow reconciliation: the "
                        "network's bank transfer is reconciled with its payments there.",
                        account=terminal.clearing_account_id.display_name,
                        network=terminal.name,
                    )
                )

    def _create_technical_users(self):
        """One technical user per network, in the network's company only, with the rights of a
        billing user registering payments (TERMINAL_USER_GROUPS) and no login: created as the
        superuser (creating users is no billing manager's right), and given nothing more."""
        groups = self.env["res.groups"]
        for xmlid in TERMINAL_USER_GROUPS:
            groups |= self.env.ref(xmlid)
        Users = self.env["res.users"].sudo().with_context(no_reset_password=True, tracking_disable=True)
        for terminal in self:
            login, taken = f"subscription_payment_terminal_{terminal.id}", 0
            while Users.with_context(active_test=False).search_count([("login", "=", login)], limit=1):
                taken += 1
                login = f"subscription_payment_terminal_{terminal.id}_{taken}"
            terminal.user_id = Users.create(
                {
                    "name": terminal.name,
                    "login": login,
                    "active": False,
                    "company_id": terminal.company_id.id,
                    "company_ids": [Command.set(terminal.company_id.ids)],
                    "groups_id": [Command.set(groups.ids)],
                }
            )

    def _grant_company_to_user(self):
        """The user a terminal acts as must work in the terminal's company."""
        for terminal in self.filtered("user_id"):
            terminal.user_id.sudo().company_ids = [Command.link(terminal.company_id.id)]

    def _ensure_clearing_method(self):
        """Give each network with a clearing account its own incoming payment method on its
        journal, whose outstanding account is the clearing account: the network's payments
        post there through Odoo's own payment flow."""
        manual_in = self.env.ref("account.account_payment_method_manual_in")
        for terminal in self.filtered("clearing_account_id"):
            line = terminal.payment_method_line_id
            if line and line.journal_id == terminal.journal_id:
                if line.payment_account_id != terminal.clearing_account_id or line.name != terminal.name:
                    line.write({"payment_account_id": terminal.clearing_account_id.id, "name": terminal.name})
                continue
            terminal.payment_method_line_id = self.env["account.payment.method.line"].create(
                {
                    "name": terminal.name,
                    "journal_id": terminal.journal_id.id,
                    "payment_method_id": manual_in.id,
                    "payment_type": "inbound",
                    "payment_account_id": terminal.clearing_account_id.id,
                }
            )

    def _compute_endpoint_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        for terminal in self:
            terminal.endpoint_url = f"{base}/subscription_billing/terminal/{terminal.id or 'ID'}"

    def action_new_secret(self):
        for terminal in self:
            terminal.secret = secrets.token_hex(24)

    def _authenticate(self, remote_addr, authorization, params):
        """Whether a request comes from the network: every method the network is configured
        with must pass (allow-list, basic auth, our signature), and at least one must be set."""
        self.ensure_one()
        checks = []
        if self.allowed_ips:
            checks.append(protocol.address_allowed(remote_addr, self.allowed_ips))
        if self.basic_login or self.basic_password:
            checks.append(protocol.basic_auth_ok(authorization, self.basic_login, self.basic_password))
        if self.signature_required:
            checks.append(protocol.verify(params, self.secret))
        return bool(checks) and all(checks)

    def _find_subscription(self, account):
        """The subscription the payer's account designates, looked up in the network's field."""
        self.ensure_one()
        Subscription = self.env["subscription.subscription"]
        company = [("company_id", "=", self.company_id.id)]
        if self.account_field == "contract":
            return Subscription.search([("name", "=", account), *company], limit=1)
        partners = self.env["res.partner"]
        if self.account_field == "partner_ref":
            partners = partners.search([("ref", "=", account)])
        else:
            number = partners._phone_format(number=account) or account
            partners = partners.search([("phone_sanitized", "=", number)])
        if not partners:
            return Subscription
        subscriptions = Subscription.search(
            [("partner_id", "child_of", partners.commercial_partner_id.ids), *company], order="state, id"
        )
        running = subscriptions.filtered(lambda s: s.state in ("active", "suspended"))
        return (running or subscriptions)[:1]
