"""check / pay endpoint of payment-terminal networks (QIWI/OSMP protocol, see tools/terminal_protocol.py).

Every request is answered with HTTP 200 and the protocol's XML (or JSON): the networks
read the result code, never the HTTP status.
"""

import logging
from decimal import Decimal

import psycopg2

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL

from ..tools import terminal_protocol as protocol

_logger = logging.getLogger(__name__)

# How long a pay waits for a lock or a statement before it answers 1 (the network retries).
LOCK_TIMEOUT_MS = 3000
STATEMENT_TIMEOUT_MS = 8000


class TerminalController(http.Controller):
    lock_timeout_ms = LOCK_TIMEOUT_MS
    statement_timeout_ms = STATEMENT_TIMEOUT_MS

    @http.route(
        "/subscription_billing/terminal/<int:terminal_id>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def terminal(self, terminal_id, **params):
        txn_id = params.get("txn_id") or ""
        # Only the network's configuration is read with elevated rights, to authenticate.
        terminal = request.env["subscription.payment.terminal"].sudo().browse(terminal_id).exists()
        if not terminal or not terminal.active:
            return self._answer(None, protocol.Answer(txn_id, protocol.OTHER_ERROR, "Unknown terminal network"))
        httprequest = request.httprequest
        if not terminal._authenticate(httprequest.remote_addr, httprequest.headers.get("Authorization"), params):
            _logger.warning("Terminal network %s: request from %s refused", terminal.id, httprequest.remote_addr)
            return self._answer(terminal, protocol.Answer(txn_id, protocol.OTHER_ERROR, "Access denied"))
        if not terminal.accept_payments:
            return self._answer(terminal, protocol.Answer(txn_id, protocol.SWITCHED_OFF))
        if not terminal.user_id:
            return self._answer(terminal, protocol.Answer(txn_id, protocol.SWITCHED_OFF))
        # Everything the caller's data drives runs as the network's technical user (never an
        # administrator: see _check_user_id), in the network's company only, without sudo.
        env = request.env(user=terminal.user_id.id, su=False, context={"allowed_company_ids": terminal.company_id.ids})
        terminal = terminal.with_env(env)
        try:
            query = protocol.parse_request(
                params,
                Decimal(str(terminal.min_amount)),
                Decimal(str(terminal.max_amount)),
                account_pattern=terminal.account_pattern,
            )
        except protocol.ProtocolError as error:
            return self._answer(terminal, protocol.Answer(txn_id, error.result, error.comment))
        try:
            answer = self._handle(env, terminal, query)
        except (psycopg2.OperationalError, psycopg2.IntegrityError, UserError, ValidationError) as error:
            if isinstance(error, AccessError):
                raise
            _logger.warning("Terminal network %s: %s %s not done: %s", terminal.name, query.command, txn_id, error)
            answer = protocol.Answer(query.txn_id, protocol.TEMPORARY_ERROR)
        return self._answer(terminal, answer)

    def _handle(self, env, terminal, query):
        if query.command == "pay":
            existing = env["subscription.payment.intake"].search(
                [("source", "=", "terminal"), ("terminal_id", "=", terminal.id), ("transaction_id", "=", query.txn_id)],
                limit=1,
            )
            if existing:  # a repeated pay pays nothing: the first answer again, or 300 if it says otherwise
                if existing.terminal_request != query.fingerprint():
                    return protocol.Answer(
                        query.txn_id, protocol.OTHER_ERROR, "txn_id already used for another payment"
                    )
                return self._paid_answer(query, existing)
        subscription = terminal._find_subscription(query.account)
        refusal = self._refusal(query, subscription)
        if refusal:
            return refusal
        if query.command == "check":
            owed = env["subscription.payment.intake"]._open_amount_of(subscription)
            name = subscription.partner_id.commercial_partner_id.name
            return protocol.Answer(
                query.txn_id,
                protocol.OK,
                amount=query.amount,
                fields={"name": protocol.mask_name(name), "balance": f"{-owed:.2f}"},
            )
        return self._pay(env, terminal, subscription, query)

    @staticmethod
    def _refusal(query, subscription):
        if not subscription:
            return protocol.Answer(query.txn_id, protocol.ACCOUNT_NOT_FOUND)
        if subscription.terminal_payment_refused:
            return protocol.Answer(query.txn_id, protocol.PAYMENT_FORBIDDEN)
        if subscription.state not in ("active", "suspended"):
            return protocol.Answer(query.txn_id, protocol.ACCOUNT_INACTIVE)
        return None

    def _pay(self, env, terminal, subscription, query):
        """Register the payment in a savepoint that waits a few seconds at most for a lock.

        A concurrent pay of the same txn_id (blocked on the unique key) or a lock held on
        the subscriber's invoices makes the savepoint fail: nothing is paid, the answer is
        1 and the network retries, which then finds the payment or makes it.
        """
        cr = env.cr
        with cr.savepoint():
            cr.execute(SQL("SET LOCAL lock_timeout = %s", f"{int(self.lock_timeout_ms)}ms"))
            cr.execute(SQL("SET LOCAL statement_timeout = %s", f"{int(self.statement_timeout_ms)}ms"))
            intake = env["subscription.payment.intake"].create(
                {
                    "source": "terminal",
                    "terminal_id": terminal.id,
                    "transaction_id": query.txn_id,
                    "terminal_request": query.fingerprint(),
                    "amount": float(query.amount),
                    "date": query.txn_date.date(),
                    "contract_number": subscription.name,
                    "journal_id": terminal.journal_id.id,
                    "company_id": terminal.company_id.id,
                    "subscription_id": subscription.id,
                    "partner_id": subscription.partner_id.id,
                    "match_method": "contract",
                }
            )
            intake._process()
            intake.flush_recordset()
            if intake.state != "done":  # not paid: roll it back, the network retries
                raise UserError(intake.error or env._("The payment could not be posted."))
            cr.execute(SQL("SET LOCAL lock_timeout TO DEFAULT"))
            cr.execute(SQL("SET LOCAL statement_timeout TO DEFAULT"))
        return self._paid_answer(query, intake)

    @staticmethod
    def _paid_answer(query, intake):
        if intake.state == "done":
            return protocol.Answer(
                query.txn_id,
                protocol.OK,
                amount=Decimal(str(intake.amount)).quantize(Decimal("0.01")),
                prv_txn=str(intake.id),
            )
        return protocol.Answer(query.txn_id, protocol.TEMPORARY_ERROR, intake.error or "")

    @staticmethod
    def _answer(terminal, answer):
        if terminal and terminal.answer_format == "json":
            return request.make_json_response(protocol.render_json(answer), status=200)
        return request.make_response(
            protocol.render_xml(answer), headers=[("Content-Type", "text/xml; charset=utf-8")], status=200
        )
