import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MATCH_METHODS = [
    ("contract", "Contract number"),
    ("invoice", "Invoice number"),
    ("reference", "Customer reference"),
    ("phone", "Phone number"),
    ("name", "Payer name"),
    ("manual", "Assigned by hand"),
]


class SubscriptionPaymentIntake(models.Model):
    """A payment that came in from a bank file, a terminal or by hand, before and after matching.

    Matched intakes become posted customer payments reconciled with the subscription's
    oldest open invoices; the others wait, state ``unmatched``, with suggested
    subscriptions, until someone assigns them. The database keeps one intake per
    transaction id and source, so a re-imported file or a repeated terminal request
    never pays twice.
    """

    _name = "subscription.payment.intake"
    _description = "Incoming Payment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    source = fields.Selection(
        [("import", "File import"), ("terminal", "Payment terminal"), ("manual", "Manual")],
        required=True,
        default="manual",
    )
    terminal_id = fields.Many2one("subscription.payment.terminal", index="btree_not_null", readonly=True)
    import_id = fields.Many2one("subscription.payment.import", index="btree_not_null", readonly=True)
    import_line = fields.Integer("Line", readonly=True, help="Line of the imported file.")
    transaction_id = fields.Char(index="btree_not_null", readonly=True)
    terminal_request = fields.Char(
        readonly=True, help="Account, sum and date of the terminal's pay request: what a repeat must say again."
    )
    row_key = fields.Char(
        readonly=True, help="What identifies an imported row without a transaction id: a hash of what it says."
    )
    dedup_key = fields.Char(compute="_compute_dedup_key", store=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    contract_number = fields.Char()
    invoice_number = fields.Char()
    partner_ref = fields.Char("Customer Reference")
    phone = fields.Char()
    payer_name = fields.Char()
    journal_id = fields.Many2one("account.journal", domain=[("type", "in", ("bank", "cash"))], required=True)
    subscription_id = fields.Many2one("subscription.subscription", tracking=True, index="btree_not_null")
    partner_id = fields.Many2one("res.partner", "Customer", tracking=True, index="btree_not_null")
    match_method = fields.Selection(MATCH_METHODS, readonly=True)
    candidate_subscription_ids = fields.Many2many(
        "subscription.subscription", string="Suggested Subscriptions", readonly=True
    )
    state = fields.Selection(
        [("unmatched", "Unmatched"), ("done", "Paid"), ("error", "Error")],
        default="unmatched",
        required=True,
        tracking=True,
        index=True,
    )
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    error = fields.Char(readonly=True)

    _sql_constraints = [
        ("transaction_once", "UNIQUE(company_id, dedup_key)", "This transaction was already received."),
        ("amount_positive", "CHECK(amount > 0)", "A payment amount must be positive."),
    ]

    @api.depends("transaction_id", "date", "amount")
    def _compute_name(self):
        for intake in self:
            intake.name = intake.transaction_id or f"{intake.date} {intake.amount}"

    @api.depends("source", "journal_id", "terminal_id", "transaction_id", "row_key")
    def _compute_dedup_key(self):
        """One payment per key and company. The journal is part of every key: two banks that
        reuse a transaction id do not swallow each other's payments."""
        for intake in self:
            prefix = f"{intake.source}:{intake.journal_id.id}:{intake.terminal_id.id or 0}"
            if intake.transaction_id:
                intake.dedup_key = f"{prefix}:tx:{intake.transaction_id}"
            elif intake.row_key:
                intake.dedup_key = f"{prefix}:{intake.row_key}"
            else:
                intake.dedup_key = False

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _match(self):
        """Set subscription and partner of the unmatched intakes, in the issue's order of identifiers.

        Each identifier kind is looked up once for the whole recordset (no search per row).
        """
        pending = self.filtered(lambda i: i.state == "unmatched" and not i.subscription_id)
        if not pending:
            return
        subs = self.env["subscription.subscription"].sudo()
        tables = pending._match_tables()
        by_contract, by_invoice, by_ref, by_phone, by_name, numbers, single_subscription = tables

        def key(value):
            return (value or "").strip().upper()

        def lookup(kind, intake, company):
            if kind == "contract":
                return by_contract.get((company, key(intake.contract_number)))
            if kind == "invoice":
                return by_invoice.get((company, key(intake.invoice_number)))
            partners_found = {
                "reference": lambda: by_ref.get(key(intake.partner_ref)),
                "phone": lambda: by_phone.get(numbers.get(intake)),
                "name": lambda: by_name.get(key(intake.payer_name)),
            }[kind]()
            return single_subscription(partners_found, company) if partners_found else None

        matched = []
        for intake in pending:
            company = intake.company_id.id
            found, method, candidates = None, None, subs.browse()
            for kind in ("contract", "invoice", "reference", "phone", "name"):
                result = lookup(kind, intake, company)
                if result and len(result) == 1:
                    found, method = result, kind
                    break
                if result:
                    candidates |= result
            if found:
                matched.append((intake, found, method))
            else:
                intake.candidate_subscription_ids = [fields.Command.set(candidates[:10].ids)]
        if self.env.context.get("subscription_payment_bulk"):
            self._set_matches_in_bulk(matched)
        else:
            for intake, found, method in matched:
                intake.write({"subscription_id": found.id, "partner_id": found.partner_id.id, "match_method": method})

    def _set_matches_in_bulk(self, matched):
        """Write the matches of a file import in one UPDATE: no tracking message per intake."""
        if not matched:
            return
        intakes = self.browse([intake.id for intake, _found, _method in matched])
        intakes.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE subscription_payment_intake i
                   SET subscription_id = r.subscription_id, partner_id = r.partner_id, match_method = r.method,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int4[], %(subs)s::int4[], %(partners)s::int4[], %(methods)s::varchar[])
                       AS r(id, subscription_id, partner_id, method)
                 WHERE i.id = r.id
                """,
                uid=self.env.uid,
                ids=intakes.ids,
                subs=[found.id for _intake, found, _method in matched],
                partners=[found.partner_id.id for _intake, found, _method in matched],
                methods=[method for _intake, _found, method in matched],
            )
        )
        fnames = ["subscription_id", "partner_id", "match_method"]
        intakes.invalidate_recordset([*fnames, "write_uid", "write_date"])
        intakes.modified(fnames)

    def _match_tables(self):
        """Everything the intakes' identifiers can point to, each kind read in one query."""
        pending = self
        company_ids = pending.company_id.ids
        subs = self.env["subscription.subscription"].sudo()
        by_contract = {
            (s.company_id.id, s.name.upper()): s
            for s in subs.search(
                [
                    ("name", "in", [i.contract_number.strip() for i in pending if i.contract_number]),
                    ("company_id", "in", company_ids),
                ]
            )
        }
        invoice_lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.name", "in", [i.invoice_number.strip() for i in pending if i.invoice_number]),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("subscription_id", "!=", False),
                    ("company_id", "in", company_ids),
                ]
            )
        )
        by_invoice = {(line.company_id.id, line.move_id.name.upper()): line.subscription_id for line in invoice_lines}
        partners = self.env["res.partner"].sudo().with_context(active_test=False)
        subs_of_partner = {}

        def single_subscription(partner_records, company_id):
            """The one running subscription of these partners in the company, or a recordset of candidates."""
            found = subs.browse()
            for partner in partner_records:
                key = partner.commercial_partner_id.id
                if key not in subs_of_partner:
                    subs_of_partner[key] = subs.search(
                        [("partner_id", "child_of", key), ("state", "in", ("active", "suspended"))]
                    )
                found |= subs_of_partner[key]
            return found.filtered(lambda s: s.company_id.id == company_id)

        by_ref = {}
        refs = [i.partner_ref.strip() for i in pending if i.partner_ref]
        for partner in partners.search([("ref", "in", refs)]) if refs else []:
            by_ref.setdefault(partner.ref.upper(), partners.browse())
            by_ref[partner.ref.upper()] |= partner
        by_phone = {}
        numbers = {}
        for intake in pending.filtered("phone"):
            sanitized = partners._phone_format(number=intake.phone.strip()) or intake.phone.strip()
            numbers[intake] = sanitized
        if numbers:
            for partner in partners.search([("phone_sanitized", "in", list(set(numbers.values())))]):
                by_phone.setdefault(partner.phone_sanitized, partners.browse())
                by_phone[partner.phone_sanitized] |= partner
        by_name = {}
        names = [i.payer_name.strip() for i in pending if i.payer_name]
        if names:
            for partner in partners.search([("name", "in", names), ("is_company", "in", (True, False))]):
                by_name.setdefault(partner.name.upper(), partners.browse())
                by_name[partner.name.upper()] |= partner

        return by_contract, by_invoice, by_ref, by_phone, by_name, numbers, single_subscription

    # ------------------------------------------------------------------
    # Paying
    # ------------------------------------------------------------------
    def _check_posting_rights(self):
        """Posting a customer payment needs Odoo's invoicing rights, whoever starts it."""
        user = self.env.user
        if user._is_superuser() or user.has_group("account.group_account_invoice"):
            return
        raise AccessError(
            self.env._(
                "%(user)s may not post customer payments: that needs the Invoicing rights "
                "(Invoicing / Accounting: Billing or more). Ask your administrator.",
                user=user.name,
            )
        )

    def _process(self):
        """Match, then post and reconcile the payments of the intakes that found their subscription.

        The whole batch is posted and reconciled at once; when that fails, each intake is
        retried alone so one bad payment only marks itself as an error.
        """
        self._match()
        ready = self.filtered(lambda i: i.state == "unmatched" and i.subscription_id)
        if not ready:
            return
        ready._check_posting_rights()
        try:
            with self.env.cr.savepoint():
                ready._pay()
        except (UserError, ValidationError, psycopg2.Error) as error:
            if isinstance(error, AccessError):
                raise
            _logger.info("posting %s payments at once failed (%s), posting them one by one", len(ready), error)
            for intake in ready:
                try:
                    with self.env.cr.savepoint():
                        intake._pay()
                except AccessError:
                    raise
                except UserError as error:
                    intake.write({"state": "error", "error": str(error)[:250]})

    def _pay(self):
        """Create and post one customer payment per intake, then reconcile them in one plan.

        Odoo's own flow, in batches: ``account.payment.create(vals_list)``,
        ``action_post()``, and ``_reconcile_plan`` for the reconciliation. Each payment's
        chatter says which import, terminal or hand assignment made it.
        """
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        vals_list = [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": intake.subscription_id.partner_id.commercial_partner_id.id,
                "amount": intake.amount,
                "date": intake.date,
                "journal_id": intake.journal_id.id,
                "company_id": intake.company_id.id,
                "memo": " ".join(filter(None, [intake.subscription_id.name, intake.transaction_id])),
                # a terminal network's payments go to its clearing account (its own payment method)
                **(
                    {"payment_method_line_id": intake.terminal_id.payment_method_line_id.id}
                    if intake.terminal_id.payment_method_line_id
                    else {}
                ),
            }
            for intake in self
        ]
        payments = self.env["account.payment"].with_context(**quiet).create(vals_list)
        payments.action_post()
        self._log_origin(payments)
        self._mark_paid(payments)
        self._reconcile_oldest_first()

    def _origin_html(self):
        """Where this payment came from, as a sentence with links, for the payment's chatter."""
        self.ensure_one()
        if self.import_id:
            return Markup(
                self.env._("Created from the payment import %(import)s, line %(line)s (incoming payment %(intake)s).")
            ) % {"import": self.import_id._get_html_link(), "line": self.import_line, "intake": self._get_html_link()}
        if self.terminal_id:
            return Markup(
                self.env._("Received at the payment terminal %(terminal)s (incoming payment %(intake)s).")
            ) % {"terminal": self.terminal_id._get_html_link(), "intake": self._get_html_link()}
        return Markup(
            self.env._("Created from the incoming payment %(intake)s, assigned to %(subscription)s by %(user)s.")
        ) % {
            "intake": self._get_html_link(),
            "subscription": self.subscription_id._get_html_link(),
            "user": self.env.user.name,
        }

    def _log_origin(self, payments):
        """One chatter line per payment naming its origin: the audit trail has no hole."""
        bodies = {payment.id: intake._origin_html() for intake, payment in zip(self, payments, strict=True)}
        payments._message_log_batch(bodies)
        self._message_log_batch(
            {
                intake.id: Markup(self.env._("Posted as the payment %(payment)s."))
                % {"payment": payment._get_html_link()}
                for intake, payment in zip(self, payments, strict=True)
            }
        )

    def _mark_paid(self, payments):
        """state, payment and customer of the paid intakes, in one UPDATE of our own table.

        No tracking message per intake: the payment's chatter already tells the story.
        """
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE subscription_payment_intake i
                   SET state = 'done', payment_id = r.payment_id, partner_id = r.partner_id, error = NULL,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int4[], %(payments)s::int4[], %(partners)s::int4[]) r(id, payment_id, partner_id)
                 WHERE i.id = r.id
                """,
                uid=self.env.uid,
                ids=self.ids,
                payments=payments.ids,
                partners=[intake.subscription_id.partner_id.id for intake in self],
            )
        )
        self.invalidate_recordset(["state", "payment_id", "partner_id", "error", "write_uid", "write_date"])
        self.modified(["state", "payment_id", "partner_id", "error"])

    def _reconcile_oldest_first(self):
        """Reconcile each subscription's new payments with its open invoices, oldest due date first.

        One group per subscription in a single reconciliation plan: Odoo matches the lines
        of a group by maturity, so the oldest invoice is paid first.
        """
        subscriptions = self.subscription_id
        Line = self.env["account.move.line"]
        open_lines = Line.search(
            [
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.state", "=", "posted"),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
                ("move_id.invoice_line_ids.subscription_id", "in", subscriptions.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
            ]
        )
        subs_of_move = {}
        for line in Line.search(
            [("move_id", "in", open_lines.move_id.ids), ("subscription_id", "in", subscriptions.ids)]
        ):
            subs_of_move.setdefault(line.move_id, line.subscription_id)
        groups, taken = {}, set()
        for intake in self:
            pay_lines = intake.payment_id.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            groups.setdefault(intake.subscription_id, pay_lines.browse())
            groups[intake.subscription_id] |= pay_lines
        for line in open_lines:
            sub = subs_of_move.get(line.move_id)
            if sub in groups and line.id not in taken:
                groups[sub] |= line
                taken.add(line.id)
        plan = [lines for lines in groups.values() if len(lines.account_id) == 1 and len(lines) > 1]
        if plan:
            Line._reconcile_plan(plan)

    def action_assign(self):
        """Post the payments of intakes a user assigned to a subscription by hand."""
        self._check_posting_rights()
        for intake in self:
            if intake.state != "unmatched":
                raise UserError(self.env._("Payment %s is not waiting for a subscription.", intake.name))
            if not intake.subscription_id:
                raise UserError(self.env._("Choose the subscription of payment %s first.", intake.name))
        self.write({"match_method": "manual"})
        self._process()
        return True

    def action_retry(self):
        self.filtered(lambda i: i.state == "error").write({"state": "unmatched", "error": False})
        self._process()
        return True

    @api.model
    def _open_amount_of(self, subscription):
        """What the subscription's customer owes on its posted invoices (for the terminal's check)."""
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(sum(m.amount_residual), 0) FROM account_move m
                    WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                      AND m.payment_state IN ('not_paid', 'partial')
                      AND EXISTS (SELECT 1 FROM account_move_line l
                                   WHERE l.move_id = m.id AND l.subscription_id = %s)""",
                subscription.id,
            )
        )
        return self.env.cr.fetchone()[0]
