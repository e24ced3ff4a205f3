import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

from ..tools.periods import ONE_DAY

_logger = logging.getLogger(__name__)

# Subscriptions one billing job takes (setting subscription_billing.batch_size).
BATCH_SIZE = 200
# Re-analyze account_move once a run changed this share of it (and at least this many rows).
ANALYZE_SHARE = 0.05
ANALYZE_MIN_ROWS = 2000


class SubscriptionSubscription(models.Model):
    _name = "subscription.subscription"
    _description = "Subscription"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        "Contract Number",
        default="/",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Given from a sequence when the subscription is saved; customers quote it when they pay.",
    )
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, tracking=True
    )
    customer_group_id = fields.Many2one("subscription.customer.group", tracking=True, index="btree_not_null")
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user, tracking=True, index="btree_not_null"
    )
    payment_term_id = fields.Many2one("account.payment.term", tracking=True, check_company=True)
    suspension_policy_id = fields.Many2one(
        "subscription.suspension.policy",
        tracking=True,
        check_company=True,
        help="When this subscription is suspended for unpaid invoices. Empty: the tariff's, else the company's.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position", check_company=True, help="Leave empty to use the customer's fiscal position."
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Invoice Journal",
        domain=[("type", "=", "sale")],
        check_company=True,
        help="Leave empty to use the company's first sales journal.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("suspended", "Suspended"), ("closed", "Closed")],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    date_start = fields.Date("Start Date", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date("End Date", copy=False, tracking=True)
    date_activated = fields.Date(readonly=True, copy=False, tracking=True)
    date_suspended = fields.Date(readonly=True, copy=False, tracking=True)
    date_closed = fields.Date(readonly=True, copy=False, tracking=True)
    line_ids = fields.One2many("subscription.line", "subscription_id", "Lines", copy=True)
    next_invoice_date = fields.Date(compute="_compute_next_invoice_date", store=True, index="btree_not_null")
    recurring_monthly = fields.Monetary(
        "Monthly (excl. tax)",
        compute="_compute_recurring_monthly",
        store=True,
        currency_field="currency_id",
        help="Monthly recurring revenue: what the lines bill per month, taxes excluded.",
    )
    tariff_ids = fields.Many2many(
        "subscription.tariff",
        "subscription_subscription_tariff_rel",
        string="Tariffs",
        compute="_compute_tariff_ids",
        store=True,
        help="The tariffs of the lines: a subscription is listed under each of its tariffs in reports.",
    )
    billing_error = fields.Text(readonly=True, copy=False, help="Why the last invoicing attempt failed.")
    billing_error_date = fields.Date(readonly=True, copy=False)
    price_change_ids = fields.One2many("subscription.price.change", "subscription_id", "Price Changes")
    pending_change_count = fields.Integer(compute="_compute_pending_change_count")
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    amount_due = fields.Monetary(
        "Due (incl. tax)",
        compute="_compute_invoice_count",
        currency_field="currency_id",
        help="Open amount of the posted invoices and credit notes, taxes included.",
    )
    amount_overdue = fields.Monetary(
        "Overdue (incl. tax)",
        compute="_compute_invoice_count",
        currency_field="currency_id",
        help="Open amount of the invoices past their due date, taxes included.",
    )
    date_due_since = fields.Date(
        "Due Since",
        compute="_compute_invoice_count",
        help="Due date of the oldest invoice still open.",
    )
    note = fields.Html()
    terminal_payment_refused = fields.Boolean(
        "Refuse Terminal Payments",
        tracking=True,
        help="Payment terminals are told payments to this contract are refused (protocol result 7).",
    )

    _sql_constraints = [
        ("name_company_unique", "UNIQUE(name, company_id)", "Contract numbers must be unique per company."),
    ]

    @api.depends("line_ids.tariff_id")
    def _compute_tariff_ids(self):
        for sub in self:
            sub.tariff_ids = sub.line_ids.tariff_id

    @api.depends("state", "line_ids.next_invoice_date", "line_ids.tariff_id.tariff_type")
    def _compute_next_invoice_date(self):
        for sub in self:
            dates = [
                line.next_invoice_date
                for line in sub.line_ids
                if line.next_invoice_date and line.tariff_id.tariff_type == "recurring"
            ]
            if not dates:  # a subscription of one-shot fees only is billed when they start
                dates = [line.next_invoice_date for line in sub.line_ids if line.next_invoice_date]
            sub.next_invoice_date = min(dates) if dates and sub.state in ("active", "closed") else False

    @api.depends("line_ids.recurring_monthly", "state")
    def _compute_recurring_monthly(self):
        for sub in self:
            active = sub.state in ("active", "suspended")
            sub.recurring_monthly = sum(sub.line_ids.mapped("recurring_monthly")) if active else 0.0

    @api.depends("price_change_ids.state")
    def _compute_pending_change_count(self):
        counts = dict(
            self.env["subscription.price.change"]._read_group(
                [("subscription_id", "in", self.ids), ("state", "=", "pending")], ["subscription_id"], ["__count"]
            )
        )
        for sub in self:
            sub.pending_change_count = counts.get(sub, 0)

    def _invoice_domain(self):
        return [
            ("invoice_line_ids.subscription_id", "in", self.ids),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]

    def _compute_invoice_count(self):
        groups = self.env["account.move.line"]._read_group(
            [("subscription_id", "in", self.ids), ("move_id.move_type", "in", ("out_invoice", "out_refund"))],
            ["subscription_id"],
            ["move_id:array_agg"],
        )
        moves_by_sub = {sub: self.env["account.move"].browse(set(move_ids)) for sub, move_ids in groups}
        for sub in self:
            moves = moves_by_sub.get(sub, self.env["account.move"])
            sub.invoice_count = len(moves)
            sub.amount_due = sum(moves.filtered(lambda move: move.state == "posted").mapped("amount_residual_signed"))
            today = sub.company_id._subscription_today() if sub.company_id else fields.Date.context_today(sub)
            open_invoices = moves._subscription_open_invoices()
            sub.amount_overdue = sum(
                open_invoices.filtered(lambda move, today=today: move.invoice_date_due < today).mapped(
                    "amount_residual_signed"
                )
            )
            sub.date_due_since = min(open_invoices.mapped("invoice_date_due"), default=False)

    def _payment_status_text(self, paid_moves=None):
        """What was paid, what is still due and since when, as one sentence for the chatter.

        ``paid_moves``: the invoices whose payment is being reported.
        """
        self.ensure_one()
        env = self.env
        parts = []
        paid = (paid_moves or env["account.move"]).filtered(lambda move: self in move.invoice_line_ids.subscription_id)
        if paid:
            parts.append(
                env._(
                    "Paid: %(invoices)s.",
                    invoices=", ".join(
                        f"{move.name} ({format_amount(env, move.amount_total, move.currency_id)})"
                        for move in paid.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
                    ),
                )
            )
        self.invalidate_recordset(["amount_due", "amount_overdue", "date_due_since"])
        due = format_amount(env, self.amount_due, self.currency_id)
        if self.amount_overdue:
            parts.append(
                env._(
                    "Still due: %(due)s (incl. tax), of which %(overdue)s overdue since %(date)s.",
                    due=due,
                    overdue=format_amount(env, self.amount_overdue, self.currency_id),
                    date=format_date(env, self.date_due_since),
                )
            )
        elif self.date_due_since:
            parts.append(
                env._(
                    "Still due: %(due)s (incl. tax), not yet overdue: the oldest open invoice is due on %(date)s.",
                    due=due,
                    date=format_date(env, self.date_due_since),
                )
            )
        else:
            parts.append(env._("Nothing is due any more."))
        return " ".join(parts)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("subscription.subscription") or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        # Deleting a subscription deletes its lines in the database, past their own check.
        invoiced = self.filtered(lambda sub: sub.line_ids.period_ids)
        if invoiced:
            raise UserError(
                self.env._(
                    "Subscription %s has invoiced periods and cannot be deleted: close it instead.",
                    invoiced[0].name,
                )
            )

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for sub in self:
            sub.display_name = f"{sub.name} - {sub.partner_id.name}" if sub.partner_id else sub.name

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "=ilike", "=", "like") and value:
            return ["|", ("name", operator, value), ("partner_id.name", operator, value)]
        return super()._search_display_name(operator, value)

    # ------------------------------------------------------------------
    # State changes
    # ------------------------------------------------------------------
    def action_activate(self):
        today = fields.Date.context_today(self)
        for sub in self:
            if sub.state not in ("draft", "suspended"):
                raise UserError(self.env._("Only draft or suspended subscriptions can be activated: %s", sub.name))
            if not sub.line_ids:
                raise UserError(self.env._("Add at least one tariff line before activating %s.", sub.name))
        drafts = self.filtered(lambda sub: sub.state == "draft")
        self.write({"state": "active", "billing_error": False, "billing_error_date": False})
        drafts.write({"date_activated": today})
        self._log_state(self.env._("Activated"), today)
        return True

    def _log_state(self, label, day):
        body = self.env._("%(state)s on %(date)s", state=label, date=format_date(self.env, day))
        for sub in self:
            sub.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_suspend(self):
        if self.filtered(lambda sub: sub.state != "active"):
            raise UserError(self.env._("Only active subscriptions can be suspended."))
        today = fields.Date.context_today(self)
        self.write({"state": "suspended", "date_suspended": today})
        self._log_state(self.env._("Suspended"), today)
        return True

    def action_close(self):
        """Close on the end date (today when empty) and bill what the closing makes due now.

        See ``_bill_closing`` for the dates of the final invoices.
        """
        today = self[:1].company_id._subscription_today() if self else fields.Date.context_today(self)
        for sub in self:
            if sub.state == "closed":
                raise UserError(self.env._("Subscription %s is already closed.", sub.name))
            end = sub.date_end or today
            if end < sub.date_start:
                raise UserError(self.env._("The end date of %s is before its start date.", sub.name))
            lines = sub.line_ids.filtered(lambda line, end=end: not line.date_end or line.date_end > end)
            lines.write({"date_end": end})
            sub.write({"date_end": end, "date_closed": today})
            sub._log_state(self.env._("Closed"), today)
        was_billed = self.filtered(lambda sub: sub.state in ("active", "suspended"))
        self.write({"state": "closed"})
        if was_billed:
            was_billed._bill_closing(today)
        return True

    def _bill_closing(self, today):
        """Bill the final invoices of these just closed subscriptions, each dated by its own end date.

        No invoice is ever dated after ``today``:

        * days already invoiced after the end date are credited at once, dated today: the
          credit note corrects posted invoices and is issued when the closing is decided
          (never before the invoice it corrects);
        * with an end date today or in the past, the days not yet invoiced up to it are
          charged at once, dated on the end date: the last day of service, so the invoice
          falls in the tax period in which the service ended;
        * with an end date in the future, the days up to it are charged by the billing
          runs on their usual dates, the last one on or after the end date.

        A subscription whose final invoice both credits and charges is dated today.
        """
        run = self.env["subscription.billing.run"].create({"trigger": "manual", "date_invoice": today})
        batches = defaultdict(self.browse)
        for sub in self:
            credits = any(line.billed_until and line.billed_until > line.date_end for line in sub.line_ids)
            if sub.date_end > today:
                plan_day, invoice_date = today, today
            else:
                # Everything up to the end date is due now, whatever the billing mode.
                plan_day, invoice_date = sub.date_end + ONE_DAY, today if credits else sub.date_end
            batches[plan_day, invoice_date] |= sub
        builder = self.env["subscription.invoice.builder"]
        for (plan_day, invoice_date), subs in sorted(batches.items()):
            builder._bill(subs, plan_day, run, invoice_date=invoice_date)
        run._finish()
        return run

    def action_draft(self):
        if self.filtered(lambda sub: sub.state != "closed"):
            raise UserError(self.env._("Only closed subscriptions can be set back to draft."))
        self.write({"state": "draft"})
        self._log_state(self.env._("Reset to draft"), fields.Date.context_today(self))
        return True

    def action_invoice_now(self):
        """Have every period due today of the selected subscriptions billed by jobs; open their billing run."""
        active = self.filtered(lambda sub: sub.state == "active")
        if not active:
            raise UserError(self.env._("Only active subscriptions can be invoiced."))
        today = active[:1].company_id._subscription_today()
        run = self.env["subscription.billing.run"].create({"trigger": "manual", "date_invoice": today})
        run._plan(active._due_rows(today, include_failed=True), self._billing_batch_size())
        return run._action_open()

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self._invoice_domain()
        action["context"] = {"default_move_type": "out_invoice", "default_partner_id": self.partner_id.id}
        return action

    def action_view_price_changes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Price Changes"),
            "res_model": "subscription.price.change",
            "view_mode": "list,form",
            "domain": [("subscription_id", "=", self.id)],
            "context": {"search_default_pending": 1},
        }

    def _pay_open_invoices(self, day=None):
        """Register a full payment of the open invoices of these subscriptions (bank journal)."""
        moves = self.env["account.move"].search(
            [*self._invoice_domain(), ("state", "=", "posted"), ("payment_state", "in", ("not_paid", "partial"))]
        )
        if moves:
            register = self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=moves.ids
            )
            register.create({"payment_date": day or fields.Date.context_today(self)})._create_payments()
        return moves

    # ------------------------------------------------------------------
    # Recurring invoicing
    # ------------------------------------------------------------------
    def _due_query(self, today, include_failed=False):
        return SQL(
            """SELECT id FROM subscription_subscription
                WHERE ((state = 'active' AND next_invoice_date <= %(today)s)
                       OR (state = 'closed' AND date_activated IS NOT NULL AND next_invoice_date <= %(today)s)
                       OR (state = 'suspended' AND %(keeps_billing)s
                           AND EXISTS (SELECT 1 FROM subscription_line sl
                                        WHERE sl.subscription_id = subscription_subscription.id
                                          AND sl.next_invoice_date <= %(today)s)))
                  AND (%(include_failed)s OR billing_error_date IS NULL OR billing_error_date < %(today)s)
                  %(company)s""",
            today=today,
            include_failed=include_failed,
            keeps_billing=self.env["subscription.suspension.policy"]._keeps_billing_sql("subscription_subscription"),
            company=SQL("AND company_id = ANY(%s)", self.env.companies.ids),
        )

    def _due_rows(self, today, include_failed=False):
        """``(id, partner id)`` of the subscriptions due on ``today`` (among ``self`` when not empty)."""
        self.env.flush_all()
        only = SQL("AND id = ANY(%s)", self.ids) if self else SQL()
        self.env.cr.execute(
            SQL(
                "SELECT id, partner_id FROM subscription_subscription WHERE id IN (%s) %s ORDER BY partner_id, id",
                self._due_query(today, include_failed),
                only,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _lock_still_due(self, ids, today, include_failed=False):
        """Lock ``ids`` for this job (raising at once if another job holds one); return those still due.

        A job retried after another billed some of them finds them no longer due.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT id FROM subscription_subscription WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT", list(ids)),
            log_exceptions=False,
        )
        if not ids:
            return self.browse()
        return self.browse(row[0] for row in self.browse(ids)._due_rows(today, include_failed))

    def _billing_batch_size(self):
        params = self.env["ir.config_parameter"].sudo()
        return int(params.get_param("subscription_billing.batch_size", BATCH_SIZE))

    @api.model
    def _cron_generate_invoices(self, batch_size=None, today=None):
        """Plan the day's billing: what is due goes to jobs of one batch each, the job runner bills them.

        Several Odoo servers bill in parallel by running the job runner; each subscription
        is in one batch of the run, and each job locks its subscriptions, so nothing is
        billed twice. The returned run sums up what its jobs did once they are all done.
        """
        today = today or self.env.company._subscription_today()
        run = self.env["subscription.billing.run"].create({"trigger": "cron", "date_invoice": today})
        return run._plan(self._due_rows(today), batch_size or self._billing_batch_size())

    @api.model
    def _enqueue_statistics_refresh(self):
        """After a batch job: have account_move analyzed (by a job of its own) once billing grew it enough."""
        self.env.cr.execute(
            "SELECT n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables WHERE relid = 'account_move'::regclass"
        )
        row = self.env.cr.fetchone()
        if row and row[0] > max(ANALYZE_MIN_ROWS, ANALYZE_SHARE * row[1]):
            self.with_delay(
                channel="root.subscription_billing",
                description=self.env._("Refresh the statistics of the invoices"),
                identity_key="subscription_billing_analyze_account_move",
            )._refresh_invoice_statistics()

    @api.model
    def _refresh_invoice_statistics(self):
        """Job: ANALYZE account_move.

        Odoo numbers every posted invoice with lookups whose plans rest on PostgreSQL's
        statistics of account_move. A billing run adds thousands of entries in minutes,
        long before autovacuum analyzes the table again; with statistics that know none
        of them, PostgreSQL reads the journal's whole year for each invoice (28 ms at
        10,000 entries, growing, and inside the numbering lock a second worker waits
        on). Analyzing samples the table in well under a second and blocks no reader or
        writer; a job of its own commits it at once.
        """
        self.env.cr.execute("ANALYZE account_move")

    def _generate_invoices(self, today, run=None, trigger="manual"):
        """Invoice every due period of these subscriptions; return the billing run recording it."""
        run = run or self.env["subscription.billing.run"].create({"trigger": trigger, "date_invoice": today})
        self.env["subscription.invoice.builder"]._bill(self, today, run)
        if run.trigger != "cron":
            run._finish()
        return run
