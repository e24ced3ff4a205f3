import base64
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import terminal_protocol as protocol

STATUSES = [
    ("matched", "Matched"),
    ("amount_differs", "Amount differs"),
    ("only_registry", "Only in the registry"),
    ("only_ours", "Only with us"),
]


class SubscriptionTerminalRegistry(models.Model):
    """A terminal network's daily settlement registry, reconciled by txn_id with the network's payments.

    Importing posts nothing (the payments were posted when the terminals paid); it tells
    which payments match, which the network lists and we never received, which we received
    and the network does not list, and which differ in amount. The network's bank transfer
    of the day then clears the network's clearing account (:meth:`action_settle`).
    """

    _name = "subscription.terminal.registry"
    _description = "Terminal Network Registry"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    terminal_id = fields.Many2one(
        "subscription.payment.terminal", "Terminal Network", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one(related="terminal_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date("Day", required=True, help="The day of payments the registry settles.")
    registry_file = fields.Binary(attachment=True)
    filename = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("reconciled", "Reconciled"), ("settled", "Settled")],
        default="draft",
        required=True,
        tracking=True,
    )
    line_ids = fields.One2many("subscription.terminal.registry.line", "registry_id", "Lines")
    registry_total = fields.Monetary(compute="_compute_totals", store=True)
    our_total = fields.Monetary(compute="_compute_totals", store=True)
    difference = fields.Monetary(compute="_compute_totals", store=True)
    matched_count = fields.Integer("Matched", compute="_compute_totals", store=True)
    amount_differs_count = fields.Integer("Amount Differs", compute="_compute_totals", store=True)
    only_registry_count = fields.Integer("Only in Registry", compute="_compute_totals", store=True)
    only_ours_count = fields.Integer("Only with Us", compute="_compute_totals", store=True)
    settlement_payment_id = fields.Many2one("account.payment", "Bank Transfer", readonly=True, copy=False)

    _sql_constraints = [
        ("day_once", "UNIQUE(terminal_id, date)", "This network's registry of that day was already imported."),
    ]

    @api.depends("terminal_id.name", "date")
    def _compute_name(self):
        for registry in self:
            registry.name = f"{registry.terminal_id.name or ''} {registry.date or ''}".strip()

    @api.depends("line_ids.status", "line_ids.registry_amount", "line_ids.our_amount")
    def _compute_totals(self):
        for registry in self:
            lines = registry.line_ids
            registry.registry_total = sum(lines.mapped("registry_amount"))
            registry.our_total = sum(lines.mapped("our_amount"))
            registry.difference = registry.registry_total - registry.our_total
            for status, _label in STATUSES:
                registry[f"{status}_count"] = len(lines.filtered(lambda line, s=status: line.status == s))

    def action_reconcile(self):
        """Read the file and compare it with the network's payments; re-run safely (nothing is posted)."""
        for registry in self:
            if registry.state == "settled":
                raise UserError(self.env._("The registry %s is already settled.", registry.name))
            if not registry.registry_file:
                raise UserError(self.env._("Upload the network's registry file first."))
            try:
                parsed = protocol.parse_registry(base64.b64decode(registry.registry_file))
            except (protocol.RegistryError, UnicodeDecodeError) as error:
                line = getattr(error, "line", 0)
                raise UserError(
                    self.env._(
                        "The registry file cannot be read (line %(line)s): %(error)s",
                        line=line,
                        error=getattr(error, "message", str(error)),
                    )
                ) from None
            registry.line_ids.unlink()
            registry.line_ids = [fields.Command.create(vals) for vals in registry._reconciliation_lines(parsed)]
            registry.state = "reconciled"
        return True

    def _reconciliation_lines(self, parsed):
        self.ensure_one()
        Intake = self.env["subscription.payment.intake"]
        domain = [("source", "=", "terminal"), ("terminal_id", "=", self.terminal_id.id), ("state", "=", "done")]
        listed = Intake.search([*domain, ("transaction_id", "in", [line.txn_id for line in parsed.lines])])
        of_the_day = Intake.search([*domain, ("date", "=", self.date)])
        ours = {intake.transaction_id: (intake.amount, intake) for intake in listed | of_the_day}
        result = protocol.reconcile(parsed.lines, ours)

        def from_registry(line, status, intake=None):
            return {
                "status": status,
                "txn_id": line.txn_id,
                "txn_date": protocol.local_to_utc(line.txn_date, self.terminal_id.tz),
                "account": line.account,
                "registry_amount": float(line.amount),
                "our_amount": intake.amount if intake else 0.0,
                "intake_id": intake.id if intake else False,
            }

        vals = [from_registry(line, "matched", our[1]) for line, our in result.matched]
        vals += [from_registry(line, "amount_differs", our[1]) for line, our in result.amount_differs]
        vals += [from_registry(line, "only_registry") for line in result.only_registry]
        vals += [
            {
                "status": "only_ours",
                "txn_id": txn_id,
                "account": intake.contract_number,
                "registry_amount": 0.0,
                "our_amount": intake.amount,
                "intake_id": intake.id,
            }
            for txn_id, (_amount, intake) in result.only_ours
        ]
        return vals

    def action_settle(self):
        """The network's bank transfer of the day: one incoming payment on the settlement bank
        journal from the clearing account, posted and reconciled with the day's payments there.
        Made once per registry."""
        self.env["subscription.payment.intake"]._check_posting_rights()
        for registry in self:
            terminal = registry.terminal_id
            if registry.settlement_payment_id or registry.state == "settled":
                raise UserError(self.env._("The registry %s is already settled.", registry.name))
            if registry.state != "reconciled":
                raise UserError(self.env._("Reconcile the registry %s with the payments first.", registry.name))
            if not terminal.clearing_account_id or not terminal.settlement_journal_id:
                raise UserError(
                    self.env._(
                        "Set the clearing account and the settlement bank journal of the network %s first.",
                        terminal.name,
                    )
                )
            amount = Decimal(str(registry.registry_total)).quantize(Decimal("0.01"))
            if amount <= 0:
                raise UserError(self.env._("The registry %s lists no payment to settle.", registry.name))
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": terminal.partner_id.id,
                    "amount": float(amount),
                    "date": registry.date,
                    "journal_id": terminal.settlement_journal_id.id,
                    "company_id": registry.company_id.id,
                    "destination_account_id": terminal.clearing_account_id.id,
                    "memo": self.env._("Settlement of %s", registry.name),
                }
            )
            payment.action_post()
            clearing = terminal.clearing_account_id
            ours = registry.line_ids.filtered(lambda line: line.status in ("matched", "amount_differs")).intake_id
            lines = (ours.payment_id.move_id.line_ids | payment.move_id.line_ids).filtered(
                lambda line, clearing=clearing: line.account_id == clearing and not line.reconciled
            )
            if len(lines) > 1:
                lines.reconcile()
            registry.write({"settlement_payment_id": payment.id, "state": "settled"})
        return True
