"""check / pay endpoint of payment terminals (see tools/terminal_protocol.py)."""

import logging
from decimal import Decimal

import psycopg2

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..tools import terminal_protocol as protocol

_logger = logging.getLogger(__name__)


class TerminalController(http.Controller):
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
        # Only the terminal and its secret are read with elevated rights, to authenticate.
        terminal = request.env["subscription.payment.terminal"].sudo().browse(terminal_id).exists()
        txn_id = params.get("txn_id") or ""
        if not terminal or not terminal.active:
            return self._answer(None, protocol.Answer(txn_id, protocol.OTHER_ERROR, "Unknown terminal"), 404)
        if not protocol.verify(params, terminal.secret):
            return self._answer(terminal, protocol.Answer(txn_id, protocol.OTHER_ERROR, "Bad signature"), 403)
        # Everything the caller's data drives runs as the terminal's own user (never an
        # administrator: see _check_user_id), in the terminal's company only, without sudo.
        env = request.env(user=terminal.user_id.id, su=False, context={"allowed_company_ids": terminal.company_id.ids})
        terminal = terminal.with_env(env)
        try:
            query = protocol.parse_request(params, Decimal(str(terminal.min_amount)), Decimal(str(terminal.max_amount)))
        except protocol.ProtocolError as error:
            return self._answer(terminal, protocol.Answer(txn_id, error.result, error.comment))
        subscription = env["subscription.subscription"].search(
            [("name", "=", query.account), ("company_id", "=", terminal.company_id.id)], limit=1
        )
        refusal = self._refusal(query, subscription)
        if refusal:
            return self._answer(terminal, refusal)
        if query.command == "check":
            owed = env["subscription.payment.intake"]._open_amount_of(subscription)
            return self._answer(
                terminal,
                protocol.Answer(query.txn_id, protocol.OK, amount=query.amount, fields={"owed": f"{owed:.2f}"}),
            )
        return self._answer(terminal, self._pay(env, terminal, subscription, query))

    @staticmethod
    def _refusal(query, subscription):
        if not subscription:
            return protocol.Answer(query.txn_id, protocol.ACCOUNT_NOT_FOUND)
        if subscription.state not in ("active", "suspended"):
            return protocol.Answer(query.txn_id, protocol.ACCOUNT_INACTIVE)
        return None

    def _pay(self, env, terminal, subscription, query):
        intakes = env["subscription.payment.intake"]
        existing = intakes.search(
            [("source", "=", "terminal"), ("terminal_id", "=", terminal.id), ("transaction_id", "=", query.txn_id)],
            limit=1,
        )
        if existing:  # a repeated pay: answer the first result again, pay nothing twice
            return self._paid_answer(query, existing)
        try:
            with env.cr.savepoint():
                intake = intakes.create(
                    {
                        "source": "terminal",
                        "terminal_id": terminal.id,
                        "transaction_id": query.txn_id,
                        "amount": float(query.amount),
                        "date": query.txn_date.date(),
                        "contract_number": query.account,
                        "journal_id": terminal.journal_id.id,
                        "company_id": terminal.company_id.id,
                        "subscription_id": subscription.id,
                        "partner_id": subscription.partner_id.id,
                        "match_method": "contract",
                    }
                )
                intake._process()
        except (psycopg2.IntegrityError, UserError) as error:
            # A concurrent duplicate of this pay won the transaction id: the terminal retries.
            _logger.warning("Terminal %s: payment %s not registered: %s", terminal.name, query.txn_id, error)
            return protocol.Answer(query.txn_id, protocol.TEMPORARY_ERROR)
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
    def _answer(terminal, answer, status=200):
        if terminal and terminal.answer_format == "json":
            return request.make_json_response(protocol.render_json(answer), status=status)
        return request.make_response(
            protocol.render_xml(answer), headers=[("Content-Type", "text/xml; charset=utf-8")], status=status
        )
