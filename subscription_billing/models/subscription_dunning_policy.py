import logging

from odoo import api, fields, models, tools
from odoo.tools import SQL, split_every

from ..tools import dunning

_logger = logging.getLogger(__name__)

SEND_BATCH = 200  # reminders one job queues
CHANNEL = "root.subscription_billing.dunning"


class SubscriptionDunningPolicy(models.Model):
    """Which reminders subscription invoices get, and when (steps), for one company.

    The first active policy of a company (by sequence) applies to the posted customer
    invoices of its subscriptions. The daily cron decides in bulk which step is due for
    each invoice (``tools.dunning``) and has jobs queue the messages, a batch each.
    """

    _name = "subscription.dunning.policy"
    _description = "Dunning Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    step_ids = fields.One2many("subscription.dunning.step", "policy_id", "Steps", copy=True)
    excluded_partner_ids = fields.Many2many(
        "res.partner", string="Customers Not Reminded", help="Customers who never get reminders from this policy."
    )
    collection_user_id = fields.Many2one(
        "res.users",
        "Collections User",
        default=lambda self: self.env.user,
        help="Gets the tasks of escalated cases and of task steps without their own user.",
    )
    digest_partner_ids = fields.Many2many(
        "res.partner",
        "subscription_dunning_policy_digest_rel",
        string="Daily Digest To",
        help="The finance team: gets the daily digest of overdue debt and new collection cases.",
    )
    failed_retry_count = fields.Integer(
        "Retries of a Failed Message",
        default=0,
        help="How many times a reminder that failed (provider or mail server error) is sent again, one day "
        "after the failure, while the invoice is unpaid. 0: a failed reminder is counted as failed. A wrong "
        "or blacklisted number or address is never retried.",
    )
    log_count = fields.Integer(compute="_compute_log_count")

    def _compute_log_count(self):
        counts = dict(
            self.env["subscription.dunning.log"]._read_group(
                [("policy_id", "in", self.ids)], ["policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.log_count = counts.get(policy, 0)

    def action_view_logs(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("subscription_billing.action_subscription_dunning_log")
        action["domain"] = [("policy_id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------
    def _open_invoices(self, today):
        """Rows (id, partner, invoice date, due date, payment date or None, residual) the policy looks at.

        Posted customer invoices of subscriptions in the policy's company: unpaid ones, and
        ones paid in the last weeks (for the thank-you). Customers excluded, and invoices
        whose case went to collection, are left out.
        """
        self.ensure_one()
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["subscription.dunning.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.partner_id, m.invoice_date, COALESCE(m.invoice_date_due, m.invoice_date),
                       CASE WHEN m.payment_state IN ('paid', 'in_payment') THEN paid.day END,
                       m.amount_residual
                  FROM account_move m
                  LEFT JOIN LATERAL (
                        SELECT max(apr.max_date) AS day
                          FROM account_move_line l
                          JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
                         WHERE l.move_id = m.id
                  ) paid ON m.payment_state IN ('paid', 'in_payment')
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.invoice_date <= %(today)s
                   AND (m.payment_state IN ('not_paid', 'partial')
                        OR (m.payment_state IN ('paid', 'in_payment') AND m.write_date >= %(recent)s))
                   AND EXISTS (SELECT 1 FROM account_move_line sl
                                WHERE sl.move_id = m.id AND sl.subscription_id IS NOT NULL)
                   AND NOT (m.partner_id = ANY(%(excluded)s))
                   AND NOT EXISTS (SELECT 1 FROM subscription_dunning_log dl
                                     JOIN subscription_dunning_step ds ON ds.id = dl.step_id
                                    WHERE dl.move_id = m.id AND ds.escalation)
                """,
                company=self.company_id.id,
                today=today,
                recent=fields.Date.subtract(today, days=30),
                excluded=self.excluded_partner_ids.ids,
            )
        )
        return self.env.cr.fetchall()

    def _sent_keys(self, move_ids):
        keys = {}
        for ids in split_every(50000, move_ids):
            self.env.cr.execute(
                "SELECT move_id, step_id, repeat FROM subscription_dunning_log WHERE move_id = ANY(%s)", [list(ids)]
            )
            for move_id, step_id, repeat in self.env.cr.fetchall():
                keys.setdefault(move_id, set()).add((step_id, repeat))
        return keys

    def _due_messages(self, today):
        """[(invoice id, partner id, residual, occurrence)] of the steps due today, one per invoice at most."""
        self.ensure_one()
        steps = [step._as_schedule_step() for step in self.step_ids]
        if not steps:
            return []
        rows = self._open_invoices(today)
        sent = self._sent_keys([row[0] for row in rows])
        due = []
        for move_id, partner_id, invoice_date, due_date, paid_on, residual in rows:
            dates = dunning.InvoiceDates(invoice_date, due_date, paid_on)
            occurrence = dunning.due_occurrence(steps, dates, today, sent.get(move_id, ()))
            if occurrence:
                due.append((move_id, partner_id, residual, occurrence))
        return due

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _claim(self, due, today):
        """Insert the log lines of ``due`` ((invoice, partner, residual, step id, repeat) rows); return
        the ones this transaction won (UNIQUE key)."""
        won = self.env["subscription.dunning.log"]
        for move_id, partner_id, residual, step_id, repeat in due:
            self.env.cr.execute(
                """
                INSERT INTO subscription_dunning_log
                       (move_id, partner_id, company_id, policy_id, step_id, repeat, date, channel, state,
                        attempt_count, attempt_date, amount_residual, create_uid, write_uid, create_date,
                        write_date)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'queued', 1, %s, %s, %s, %s, now() at time zone 'UTC',
                        now() at time zone 'UTC')
                ON CONFLICT (move_id, step_id, repeat) DO NOTHING
                RETURNING id
                """,
                [
                    move_id,
                    partner_id,
                    self.company_id.id,
                    self.id,
                    step_id,
                    repeat,
                    today,
                    self.step_ids.browse(step_id).channel,
                    today,
                    residual,
                    self.env.uid,
                    self.env.uid,
                ],
            )
            row = self.env.cr.fetchone()
            if row:
                won |= won.browse(row[0])
        # inserted in SQL: the invoices' reminder lists read before in this transaction are stale
        self.env["account.move"].browse([row[0] for row in due]).invalidate_recordset(["subscription_dunning_log_ids"])
        return won

    def _send(self, logs):
        for log in logs:
            try:
                with self.env.cr.savepoint():
                    log._deliver()
            except Exception as error:  # noqa: BLE001 - one failing message must not stop the others
                _logger.warning("Dunning message %s for invoice %s failed: %s", log.id, log.move_id.name, error)
                log._fail("unknown", str(error)[:200])

    @api.model
    def _cron_run_dunning(self, today=None, delay=True):
        """Plan the steps due today: jobs queue their messages, SEND_BATCH each (``delay=False``: at once).

        A message is claimed by its log line's UNIQUE key, so a job run twice, or two
        plannings of one day, queue each message once.
        """
        today = today or fields.Date.context_today(self)
        jobs = []
        for policy in self._policies_in_force():
            due = [
                (move_id, partner_id, residual, occurrence.step.id, occurrence.repeat)
                for move_id, partner_id, residual, occurrence in policy._due_messages(today)
            ]
            for batch in split_every(SEND_BATCH, due, list):
                if not delay:
                    policy._send_batch(batch, today)
                    continue
                jobs.append(
                    policy.with_delay(
                        channel=CHANNEL,
                        description=self.env._(
                            "%(policy)s: queue %(count)s reminders of %(day)s",
                            policy=policy.name,
                            count=len(batch),
                            day=today,
                        ),
                        identity_key=f"subscription_dunning_{policy.id}_{today}_{batch[0][0]}",
                    )._send_batch(batch, today)
                )
            retry_ids = policy._failed_to_retry(today).ids
            for batch in split_every(SEND_BATCH, retry_ids, list):
                if not delay:
                    policy._retry_batch(batch, today)
                    continue
                jobs.append(
                    policy.with_delay(
                        channel=CHANNEL,
                        description=self.env._(
                            "%(policy)s: send %(count)s failed reminders again on %(day)s",
                            policy=policy.name,
                            count=len(batch),
                            day=today,
                        ),
                        identity_key=f"subscription_dunning_retry_{policy.id}_{today}_{batch[0]}",
                    )._retry_batch(batch, today)
                )
        return jobs

    def _failed_to_retry(self, today):
        """The failed reminders of this policy that it sends again today."""
        self.ensure_one()
        if self.failed_retry_count <= 0:
            return self.env["subscription.dunning.log"]
        logs = self.env["subscription.dunning.log"].search(
            [
                ("policy_id", "=", self.id),
                ("state", "=", "failed"),
                ("attempt_date", "<", today),
                ("attempt_count", "<=", self.failed_retry_count),
            ]
        )
        return logs.filtered(
            lambda log: (
                dunning.may_retry(log.failure_type, log.attempt_count, self.failed_retry_count)
                and (log.step_id.anchor == "payment_date" or not log.currency_id.is_zero(log.move_id.amount_residual))
            )
        )

    def _retry_batch(self, log_ids, today):
        """Job: send these failed reminders again, the ones still failed and not retried today."""
        self.ensure_one()
        self.env.cr.execute(
            """
            SELECT id FROM subscription_dunning_log
             WHERE id = ANY(%s) AND state = 'failed' AND (attempt_date IS NULL OR attempt_date < %s)
               FOR UPDATE SKIP LOCKED
            """,
            [list(log_ids), today],
        )
        logs = self.env["subscription.dunning.log"].browse([row[0] for row in self.env.cr.fetchall()])
        logs._retry(today)
        return self.env._("%(count)s reminders sent again", count=len(logs))

    def _send_batch(self, due, today):
        """Job: claim and queue these reminders; return how many it queued."""
        self.ensure_one()
        logs = self._claim(due, today)
        self._send(logs)
        return self.env._("%(count)s reminders queued", count=len(logs.filtered(lambda log: log.state != "failed")))

    @api.model
    def _cron_send_digest(self, today=None):
        """Mail the finance team of each policy: overdue debt by age, today's suspensions and collection cases."""
        today = today or fields.Date.context_today(self)
        mails = self.env["mail.mail"]
        for policy in self._policies_in_force():
            if policy.digest_partner_ids:
                mails |= mails.create(policy._digest_values(today))
        return mails

    def _digest_values(self, today):
        self.ensure_one()
        company = self.company_id
        aging = self.env["subscription.debtor.aging"].sudo()
        labels = dict(aging._fields["bucket"]._description_selection(self.env))
        by_bucket = dict(aging._read_group([("company_id", "=", company.id)], ["bucket"], ["amount_residual:sum"]))
        suspended = (
            self.env["subscription.subscription"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "suspended"), ("date_suspended", "=", today)])
        )
        cases = (
            self.env["subscription.collection.case"]
            .sudo()
            .search([("company_id", "=", company.id), ("date_opened", "=", today)])
        )
        rows = "".join(
            f"<tr><td>{label}</td><td style='text-align:right'>"
            f"{tools.format_amount(self.env, by_bucket.get(key, 0.0), company.currency_id)}</td></tr>"
            for key, label in labels.items()
        )
        body = (
            f"<p>{self.env._('Overdue debt of %(company)s on %(day)s', company=company.name, day=today)}</p>"
            f"<table>{rows}</table>"
            f"<p>{self.env._('New suspensions: %(count)s', count=len(suspended))} "
            f"{tools.html_escape(', '.join(suspended.mapped('name')))}</p>"
            f"<p>{self.env._('New collection cases: %(count)s', count=len(cases))} "
            f"{tools.html_escape(', '.join(cases.mapped('partner_id.name')))}</p>"
        )
        return {
            "subject": self.env._("Debt digest %(company)s %(day)s", company=company.name, day=today),
            "body_html": body,
            "recipient_ids": [fields.Command.set(self.digest_partner_ids.ids)],
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "auto_delete": False,
        }

    def _policies_in_force(self):
        """The first active policy of each company."""
        first = {}
        for policy in self.search([("step_ids", "!=", False)]):
            first.setdefault(policy.company_id, policy)
        return list(first.values())
