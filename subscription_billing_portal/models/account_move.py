import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL, split_every
from odoo.tools.misc import format_amount, format_date

from ..tools import autopay

_logger = logging.getLogger(__name__)

CHARGE_BATCH = 100  # invoices one automatic payment job charges
CHANNEL = "root.subscription_billing.payments"


class AccountMove(models.Model):
    _inherit = "account.move"

    subscription_autopay_next_date = fields.Date(
        "Next Automatic Payment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the saved payment method of the subscription is charged for this invoice next.",
    )
    subscription_autopay_first_date = fields.Date(
        "First Automatic Payment",
        readonly=True,
        copy=False,
        help="Day of the first automatic charge; the dunning policy's retry days count from it.",
    )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    def _subscription_autopay_subscription(self):
        """The subscription whose saved payment method pays this invoice (the first with one), if any."""
        self.ensure_one()
        subs = self.invoice_line_ids.subscription_id.sudo().filtered(lambda sub: sub.payment_token_id.active)
        return subs[:1]

    def _subscription_autopay_enqueue(self):
        """Queue the automatic charges of these just-posted invoices, a batch per job."""
        moves = self.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and move._subscription_autopay_subscription()
            )
        )
        if not moves:
            return moves
        today = fields.Date.context_today(self)
        moves.write({"subscription_autopay_next_date": today, "subscription_autopay_first_date": today})
        for batch in split_every(CHARGE_BATCH, moves.ids, self.browse):
            batch.with_delay(
                channel=CHANNEL,
                description=self.env._("Charge saved payment methods (%s invoices)", len(batch)),
            )._subscription_autopay_charge()
        return moves

    def _cron_subscription_autopay_retry(self, today=None):
        """Queue the charges due today (retries of declined ones), a batch per job."""
        today = today or fields.Date.context_today(self)
        moves = self.search([("subscription_autopay_next_date", "<=", today)], order="id")
        for batch in split_every(CHARGE_BATCH, moves.ids, self.browse):
            batch.with_delay(
                channel=CHANNEL,
                description=self.env._("Charge saved payment methods (%s invoices)", len(batch)),
            )._subscription_autopay_charge(today=today)
        return moves

    # ------------------------------------------------------------------
    # Charging (job)
    # ------------------------------------------------------------------
    def _subscription_autopay_transactions(self):
        """The automatic charges already made for this invoice."""
        self.ensure_one()
        return (
            self.env["payment.transaction"]
            .sudo()
            .search([("invoice_ids", "in", self.ids), ("reference", "=like", autopay.reference(self.name, "%"))])
        )

    def _subscription_autopay_charge(self, today=None):
        """Job: charge each invoice's saved payment method once for its attempt due today.

        Each invoice is locked first (a second worker skips it); an invoice already paid, or
        with a charge pending or done, or whose attempt was already made (the transaction
        reference is the idempotency key: invoice and attempt), is never charged again.
        """
        today = today or fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) ORDER BY id FOR UPDATE SKIP LOCKED",
                self.ids,
            )
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset()
        for move in locked:
            if not move.subscription_autopay_next_date or move.subscription_autopay_next_date > today:
                continue
            with self.env.cr.savepoint():
                move._subscription_autopay_charge_one(today)

    def _subscription_autopay_charge_one(self, today):
        self.ensure_one()
        sub = self._subscription_autopay_subscription()
        txs = self._subscription_autopay_transactions()
        if (
            not sub
            or self.payment_state not in ("not_paid", "partial")
            or txs.filtered(lambda tx: tx.state in ("draft", "pending", "authorized", "done"))
        ):
            self.subscription_autopay_next_date = False
            return
        attempt = len(txs) + 1
        reference = autopay.reference(self.name, attempt)
        token = sub.payment_token_id
        # The customer's standing mandate is charged by the system, as Odoo's payment crons do:
        # tokens are readable by their owner only, transactions are made for the customer.
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": token.provider_id.id,
                    "payment_method_id": token.payment_method_id.id,
                    "reference": reference,
                    "amount": self.amount_residual,
                    "currency_id": self.currency_id.id,
                    "partner_id": self.partner_id.id,
                    "token_id": token.id,
                    "operation": "offline",
                    "invoice_ids": [fields.Command.set(self.ids)],
                }
            )
        )
        tx._send_payment_request()
        if tx.state == "done":
            tx._post_process()  # Odoo's post-processing: payment posted and reconciled with the invoice
            self.subscription_autopay_next_date = False
            sub.message_post(
                body=self.env._(
                    "Automatic payment of %(invoice)s (attempt %(attempt)s): %(amount)s charged to %(token)s.",
                    invoice=self.name,
                    attempt=attempt,
                    amount=format_amount(self.env, tx.amount, tx.currency_id),
                    token=token.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        elif tx.state in ("pending", "authorized"):
            self.subscription_autopay_next_date = False  # the provider will tell; Odoo's cron post-processes
            sub.message_post(
                body=self.env._(
                    "Automatic payment of %(invoice)s (attempt %(attempt)s): %(amount)s waiting for the provider.",
                    invoice=self.name,
                    attempt=attempt,
                    amount=format_amount(self.env, tx.amount, tx.currency_id),
                ),
                subtype_xmlid="mail.mt_note",
            )
        else:
            self._subscription_autopay_declined(sub, tx, attempt)

    def _subscription_autopay_declined(self, sub, tx, attempt):
        """Plan the next try of a declined charge (or hand over to dunning) and tell the customer."""
        self.ensure_one()
        policies = self.env["subscription.dunning.policy"].sudo()
        policy = policies.search([("company_id", "=", self.company_id.id)], limit=1)
        first = self.subscription_autopay_first_date or fields.Date.context_today(self)
        next_date = autopay.next_attempt_date(first, attempt, policy._autopay_retry_days() if policy else [])
        self.subscription_autopay_next_date = next_date
        if next_date:
            outcome = self.env._("next attempt on %(date)s.", date=format_date(self.env, next_date))
        else:
            outcome = self.env._("that was the last attempt: the dunning policy takes over.")
        sub.message_post(
            body=Markup("%s")
            % self.env._(
                "Automatic payment of %(invoice)s (attempt %(attempt)s) declined by %(token)s: %(reason)s; %(outcome)s",
                invoice=self.name,
                attempt=attempt,
                token=tx.token_id.display_name,
                reason=tx.state_message or tx.state,
                outcome=outcome,
            ),
            subtype_xmlid="mail.mt_note",
        )
        template = policy.autopay_declined_template_id if policy else False
        if template:
            template.with_context(autopay_next_date=next_date, pay_url=self._subscription_portal_pay_url()).send_mail(
                self.id
            )

    def _subscription_portal_pay_url(self):
        """The invoice's page in the portal, signed with its access token: opens and pays without a password."""
        self.ensure_one()
        return self.get_base_url() + self._get_share_url(redirect=False)
