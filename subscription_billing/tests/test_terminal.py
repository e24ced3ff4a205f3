from datetime import date
from xml.etree import ElementTree

from odoo import Command
from odoo.addons.subscription_billing.tools import terminal_protocol
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SubscriptionBillingCommon, bill_through_jobs

DAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestTerminal(SubscriptionBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls.env["subscription.subscription"].create(
            {"partner_id": cls.partner_a.id, "date_start": DAY, "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})]}
        )
        cls.sub.action_activate()
        bill_through_jobs(cls.env, DAY)
        cls.invoice = cls.env["account.move"].search(cls.sub._invoice_domain())
        cls.terminal = cls.env["subscription.payment.terminal"].create(
            {"name": "Kiosks", "journal_id": cls.company_data["default_journal_bank"].id, "secret": "k1osk"}
        )

    def _call(self, secret="k1osk", **params):
        params = {"txn_id": "5001", "account": self.sub.name, **params}
        if secret is not None:
            params["sign"] = terminal_protocol.signature(params, secret)
        response = self.url_open(f"/subscription_billing/terminal/{self.terminal.id}", data=params)
        return response

    def _xml(self, response):
        return {child.tag: child.text for child in ElementTree.fromstring(response.content)}

    def test_check_known_account_tells_what_is_owed(self):
        answer = self._xml(self._call(command="check"))
        self.assertEqual(answer["result"], "0")
        self.assertEqual(answer["owed"], f"{self.invoice.amount_residual:.2f}")

    def test_check_unknown_account(self):
        response = self._call(command="check", account="NO-SUCH-CONTRACT")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._xml(response)["result"], "5")
        self.assertEqual(self._xml(response)["comment"], "Account not found")

    def test_pay_then_repeat_pays_once(self):
        owed = self.invoice.amount_residual
        amount = f"{owed:.2f}"
        first = self._xml(self._call(command="pay", sum=amount, txn_date="20260305101500"))
        self.assertEqual((first["result"], first["sum"]), ("0", amount))
        again = self._xml(self._call(command="pay", sum=amount, txn_date="20260305101500"))
        self.assertEqual(again, first, "a repeated pay answers the first result again")
        intakes = self.env["subscription.payment.intake"].search([("terminal_id", "=", self.terminal.id)])
        self.assertEqual(len(intakes), 1)
        self.assertEqual(str(intakes.id), first["prv_txn"])
        self.assertEqual((intakes.payment_id.amount, intakes.payment_id.date), (owed, date(2026, 3, 5)))
        self.assertEqual(self.invoice.payment_state, self.env["account.move"]._get_invoice_in_payment_state())

    def test_bad_signature_is_refused(self):
        response = self._call(command="pay", sum="5.00", txn_date="20260305101500", secret="guess")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._xml(response)["comment"], "Bad signature")
        unsigned = self._call(command="check", secret=None)
        self.assertEqual(unsigned.status_code, 403)
        self.assertFalse(self.env["subscription.payment.intake"].search([("terminal_id", "=", self.terminal.id)]))

    def test_terminal_acts_as_its_own_user(self):
        amount = f"{self.invoice.amount_residual:.2f}"
        self._call(command="pay", sum=amount, txn_date="20260305101500")
        intake = self.env["subscription.payment.intake"].search([("terminal_id", "=", self.terminal.id)])
        terminal_user = self.env.ref("subscription_billing.user_payment_terminal")
        self.assertEqual(self.terminal.user_id, terminal_user)
        self.assertEqual(intake.create_uid, terminal_user)
        self.assertEqual(intake.state, "done")
        self.assertEqual(intake.payment_id.create_uid, terminal_user, "the payment too is made as the terminal's user")
        self.assertEqual(intake.payment_id.move_id.create_uid, terminal_user)
        self.assertFalse(intake.create_uid.has_group("base.group_system"))

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
        self.assertEqual(self.terminal.user_id, self.env.ref("subscription_billing.user_payment_terminal"))

    def test_json_variant(self):
        self.terminal.answer_format = "json"
        response = self._call(command="pay", sum="1.00", txn_date="20260305101500")
        self.assertEqual(response.json()["result"], 0)
        self.assertEqual(response.json()["sum"], "1.00")
