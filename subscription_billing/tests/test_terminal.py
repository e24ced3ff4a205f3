"""The check / pay endpoint, called as a QIWI/OSMP-protocol terminal network calls it.

Requests are GET query strings exactly as the OSMP provider protocol documents them
(``?command=check&txn_id=1234567&account=...&sum=10.45`` and
``?command=pay&txn_id=1234567&txn_date=20050815120133&account=...&sum=10.45``), sent with
HTTP basic auth from an allowed address (the test client's 127.0.0.1); the answers are
read as the network reads them: HTTP 200 and the ``<response>`` XML.
"""

import base64
import time
from datetime import date
from unittest.mock import patch
from urllib.parse import urlencode
from xml.etree import ElementTree

from odoo import Command, sql_db
from odoo.addons.subscription_billing.controllers.terminal import TerminalController
from odoo.addons.subscription_billing.tools import terminal_protocol
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SubscriptionBillingCommon, bill_through_jobs

DAY = date(2026, 3, 2)
LOGIN, PASSWORD = "city24", "k1osk-Pa55"


@tagged("post_install", "-at_install")
class TerminalCommon(SubscriptionBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.name = "Шевчук Олена Петрівна"
        cls.sub = cls.env["subscription.subscription"].create(
            {"partner_id": cls.partner_a.id, "date_start": DAY, "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})]}
        )
        cls.sub.action_activate()
        bill_through_jobs(cls.env, DAY)
        cls.invoice = cls.env["account.move"].search(cls.sub._invoice_domain())
        cls.clearing = cls.env["account.account"].create(
            {"code": "377900", "name": "City24 clearing", "account_type": "asset_current", "reconcile": True}
        )
        cls.terminal = cls.env["subscription.payment.terminal"].create(
            {
                "name": "City24",
                "journal_id": cls.company_data["default_journal_bank"].id,
                "clearing_account_id": cls.clearing.id,
                "settlement_journal_id": cls.company_data["default_journal_bank"].id,
                "allowed_ips": "127.0.0.1 ::1",
                "basic_login": LOGIN,
                "basic_password": PASSWORD,
            }
        )

    def _get(self, auth=(LOGIN, PASSWORD), **params):
        """One request of the network: GET with the query string, basic auth over the wire."""
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        url = f"/subscription_billing/terminal/{self.terminal.id}?{urlencode(params)}"
        response = self.opener.get(self.base_url() + url, headers=headers, timeout=30)
        self.assertEqual(response.status_code, 200, "the network reads the result code, never an HTTP error")
        return response

    def _answer(self, **params):
        root = ElementTree.fromstring(self._get(**params).content)
        self.assertEqual(root.tag, "response")
        answer = {child.tag: child.text for child in root if child.tag != "fields"}
        answer["fields"] = {field.get("name"): field.text for field in root.iterfind("fields/*")}
        return answer

    def _check(self, **params):
        return self._answer(**{"command": "check", "txn_id": "1000001", "account": self.sub.name, **params})

    def _pay(self, txn_id="1000001", amount="31.00", **params):
        return self._answer(
            **{
                "command": "pay",
                "txn_id": txn_id,
                "txn_date": "20260305101500",
                "account": self.sub.name,
                "sum": amount,
                **params,
            }
        )

    def _intakes(self):
        return self.env["subscription.payment.intake"].search([("terminal_id", "=", self.terminal.id)])


@tagged("post_install", "-at_install")
class TestTerminal(TerminalCommon):
    def test_check_names_the_subscriber_masked_and_the_balance(self):
        owed = self.invoice.amount_residual
        self.assertGreater(owed, 31.0, "the monthly invoice, taxes included")
        answer = self._check(sum="31.00")
        self.assertEqual((answer["result"], answer["osmp_txn_id"], answer["sum"]), ("0", "1000001", "31.00"))
        masked = "\u0428\u0435**** \u041e. \u041f."  # the surname cut, the initials of the names
        self.assertEqual(answer["fields"], {"name": masked, "balance": f"{-owed:.2f}"})
        self.assertFalse(self._intakes(), "a check pays nothing")

    def test_refusals_answer_the_protocol_codes(self):
        self.assertEqual(self._check(account="SB-404-NOBODY")["result"], "5")
        self.assertEqual(self._check(account="12 34;--")["result"], "4")
        self.terminal.account_pattern = r"\d{6}"
        self.assertEqual(self._check()["result"], "4", "the network's own format refuses the contract number")
        self.terminal.account_pattern = r"[0-9A-Za-z/._-]{1,64}"
        self.assertEqual(self._check(sum="0.50")["result"], "241")
        self.assertEqual(self._check(sum="15000.01")["result"], "242")
        self.assertEqual(self._check(command="status")["result"], "300")
        self.assertEqual(self._pay(txn_date="05.03.2026")["result"], "300")
        self.sub.terminal_payment_refused = True
        self.assertEqual(self._check()["result"], "7")
        self.assertEqual(self._pay()["result"], "7")
        self.sub.terminal_payment_refused = False
        self.sub.state = "closed"
        self.assertEqual(self._check()["result"], "79")
        self.terminal.accept_payments = False
        answer = self._pay()
        self.assertEqual((answer["result"], answer["comment"]), ("8", "Payment forbidden for technical reasons"))
        self.assertFalse(self._intakes(), "no refused request paid anything")

    def test_pay_posts_to_the_clearing_account_and_a_repeat_pays_once(self):
        first = self._pay()
        self.assertEqual((first["result"], first["sum"], first["osmp_txn_id"]), ("0", "31.00", "1000001"))
        again = self._pay()
        self.assertEqual(again, first, "a repeated pay answers the first result again")
        other = self._pay(amount="40.00")
        self.assertEqual((other["result"], other["comment"]), ("300", "txn_id already used for another payment"))
        other_account = self._pay(account="SB-OTHER")
        self.assertEqual(other_account["result"], "300")
        intake = self._intakes()
        self.assertEqual(len(intake), 1)
        self.assertEqual(str(intake.id), first["prv_txn"])
        payment = intake.payment_id
        self.assertEqual((payment.amount, payment.date, payment.state), (31.0, date(2026, 3, 5), "in_process"))
        self.assertEqual(payment.outstanding_account_id, self.clearing, "terminal money waits on the clearing account")
        clearing_lines = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.clearing)
        self.assertEqual(clearing_lines.debit, 31.0)
        self.assertEqual(self.invoice.payment_state, "partial")
        owed = self.invoice.amount_residual
        self.assertEqual(self._check()["fields"]["balance"], f"{-owed:.2f}", "the check tells what is left to pay")

    def test_account_looked_up_by_phone_or_account_number(self):
        self.partner_a.write({"phone": "+380 67 123 45 67", "ref": "0045871"})
        self.terminal.account_field = "phone"
        self.assertEqual(self._check(account="380671234567")["result"], "0")
        self.assertEqual(self._check(account=self.sub.name)["result"], "5", "the contract number is not a phone")
        self.terminal.account_field = "partner_ref"
        answer = self._pay(txn_id="1000002", account="0045871", amount="10.00")
        self.assertEqual(answer["result"], "0")
        self.assertEqual(self._intakes().subscription_id, self.sub)

    def test_network_authentication(self):
        self.assertEqual(self._check()["result"], "0")
        for auth in ((LOGIN, "guess"), ("other", PASSWORD), None):
            with self.subTest(auth=auth):
                answer = self._check(auth=auth)
                self.assertEqual((answer["result"], answer["comment"]), ("300", "Access denied"))
        self.terminal.allowed_ips = "203.0.113.0/28"
        self.assertEqual(self._check()["comment"], "Access denied", "127.0.0.1 is not in the network's list")
        # Address alone, no basic auth: the way many networks work.
        self.terminal.write({"allowed_ips": "127.0.0.0/8 ::1", "basic_login": False, "basic_password": False})
        self.assertEqual(self._check(auth=None)["result"], "0")
        # Our signature, only when asked for.
        self.terminal.signature_required = True
        self.assertEqual(self._check(auth=None)["comment"], "Access denied")
        params = {"command": "check", "txn_id": "1000001", "account": self.sub.name}
        signed = self._answer(auth=None, **params, sign=terminal_protocol.signature(params, self.terminal.secret))
        self.assertEqual(signed["result"], "0")
        # Nothing configured: nobody gets in.
        self.terminal.write({"allowed_ips": False, "signature_required": False})
        self.assertEqual(self._check(auth=None)["comment"], "Access denied")
        with self.assertRaises(ValidationError):
            self.terminal.allowed_ips = "10.0.0.300"

    def test_network_acts_as_its_own_technical_user(self):
        self._pay()
        intake = self._intakes()
        user = self.terminal.user_id
        self.assertEqual(user.name, "City24")
        self.assertEqual(user.company_ids, self.terminal.company_id, "restricted to the network's company")
        self.assertFalse(user.has_group("base.group_system") or user.has_group("account.group_account_manager"))
        self.assertEqual(intake.create_uid, user)
        self.assertEqual(intake.payment_id.create_uid, user, "the payment too is made as the network's user")
        other = self.env["subscription.payment.terminal"].create(
            {"name": "EasyPay", "journal_id": self.company_data["default_journal_bank"].id, "allowed_ips": "::1"}
        )
        self.assertNotEqual(other.user_id, user, "one technical user per network")

    def test_terminal_user_may_not_be_an_administrator(self):
        accountant = new_test_user(
            self.env, login="terminal_accountant", groups="base.group_user,account.group_account_manager"
        )
        for user in (self.env.ref("base.user_admin"), self.env.ref("base.user_root"), accountant):
            with self.subTest(user=user.login), self.assertRaises(ValidationError):
                self.terminal.user_id = user
        terminal_user = self.terminal.user_id
        for group in ("base.group_system", "account.group_account_manager"):
            with self.subTest(group=group), self.assertRaises(ValidationError):
                terminal_user.groups_id = [Command.link(self.env.ref(group).id)]

    def test_json_variant(self):
        self.terminal.answer_format = "json"
        params = {
            "command": "pay",
            "txn_id": "77",
            "txn_date": "20260305101500",
            "account": self.sub.name,
            "sum": "1.00",
        }
        response = self._get(**params)
        self.assertEqual((response.json()["result"], response.json()["sum"]), (0, "1.00"))

    def test_lock_timeout_answers_1_and_the_retry_pays_once(self):
        """Another transaction holds the payments table: the pay answers 1 within seconds, pays
        nothing, and the network's retry once the lock is gone pays once."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # a real second connection
        try:
            other.execute("LOCK TABLE subscription_payment_intake IN SHARE ROW EXCLUSIVE MODE NOWAIT")
            # PostgreSQL cancels the insert: Odoo's cursor logs the cancelled query, as it does for any
            with patch.object(TerminalController, "lock_timeout_ms", 500), mute_logger("odoo.sql_db"):
                started = time.monotonic()
                answer = self._pay()
                elapsed = time.monotonic() - started
        finally:
            other.rollback()
            other.close()
        self.assertEqual((answer["result"], answer["comment"]), ("1", "Temporary error, try again later"))
        self.assertLess(elapsed, 5)
        self.assertFalse(self._intakes())
        self.assertEqual(self.invoice.payment_state, "not_paid")
        retry = self._pay()
        self.assertEqual(retry["result"], "0")
        self.assertEqual(len(self._intakes()), 1)
        self.assertEqual(self._pay(), retry)
