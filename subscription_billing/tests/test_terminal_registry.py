"""A terminal network's daily registry reconciled with its payments, and the day's bank transfer.

Two registry layouts (tools/terminal_protocol.parse_registry): QIWI's standard settlement
registry as its provider-protocol documentation publishes it (tab-separated txn_id, date,
time, account, sum; ``Total:`` count and amount; CR LF), and a clone network's registry
built from the OSMP pay request's own fields (Windows-1251, ``;``, CRLF, a header and an
``Итого`` line), since the clones hand theirs to providers with the contract.
"""

import base64
import io
from datetime import datetime

import openpyxl
import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_terminal import TerminalCommon

QIWI_REGISTRY = (
    "2000001\t05.03.2026\t10:15:00\t{account}\t20.00\r\n"
    "2000002\t05.03.2026\t11:30:12\t{account}\t6.00\r\n"
    "2000004\t05.03.2026\t17:02:44\t{account}\t7.50\r\n"
    "Total:\t3\t33.50\r\n"
)
REGISTRY = (
    "Номер транзакции;Дата платежа;Лицевой счет;Сумма\r\n"
    "2000001;20260305101500;{account};20.00\r\n"
    "2000002;20260305113012;{account};6.00\r\n"
    "2000004;20260305170244;{account};7.50\r\n"
    "Итого;3;33.50\r\n"
)


@tagged("post_install", "-at_install")
class TestTerminalRegistry(TerminalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="registry_manager",
            groups="base.group_user,subscription_billing.group_subscription_billing_manager,account.group_account_invoice",
        )

    def _registry(self, content, day="2026-03-05"):
        return (
            self.env["subscription.terminal.registry"]
            .with_user(self.manager)
            .create(
                {
                    "terminal_id": self.terminal.id,
                    "date": day,
                    "registry_file": base64.b64encode(content.encode("cp1251")),
                    "filename": "city24_20260305.txt",
                }
            )
        )

    def test_missing_extra_and_different_payments_are_reported(self):
        for txn_id, amount in (("2000001", "20.00"), ("2000002", "5.00"), ("2000003", "3.00")):
            self.assertEqual(self._pay(txn_id=txn_id, amount=amount)["result"], "0")
        self.terminal.tz = "Europe/Moscow"  # QIWI writes Moscow time
        registry = self._registry(QIWI_REGISTRY.format(account=self.sub.name))
        registry.action_reconcile()
        lines = {line.txn_id: line for line in registry.line_ids}
        self.assertEqual(lines["2000001"].txn_date, datetime(2026, 3, 5, 7, 15), "10:15 in Moscow is 07:15 UTC")
        self.assertEqual(
            {txn: line.status for txn, line in lines.items()},
            {
                "2000001": "matched",
                "2000002": "amount_differs",
                "2000004": "only_registry",
                "2000003": "only_ours",
            },
        )
        self.assertEqual((lines["2000002"].registry_amount, lines["2000002"].our_amount), (6.0, 5.0))
        self.assertEqual(lines["2000002"].difference, 1.0)
        self.assertEqual(lines["2000004"].account, self.sub.name)
        self.assertEqual(lines["2000003"].our_amount, 3.0)
        self.assertEqual((registry.registry_total, registry.our_total, registry.difference), (33.5, 28.0, 5.5))
        counts = (
            registry.matched_count,
            registry.amount_differs_count,
            registry.only_registry_count,
            registry.only_ours_count,
        )
        self.assertEqual(counts, (1, 1, 1, 1))
        self.assertEqual(len(self._intakes()), 3, "the registry posts nothing")

        content, _kind = self.env["ir.actions.report"]._render_xlsx(
            "subscription_billing.action_report_terminal_registry_xlsx", registry.ids, {}
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = {row[1]: row[3:] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(rows["2000002"], ("Amount differs", 6.0, 5.0, 1.0))
        self.assertEqual(rows["2000004"], ("Only in the registry", 7.5, 0.0, 7.5))
        self.assertEqual(rows["2000003"], ("Only with us", 0.0, 3.0, -3.0))
        self.assertEqual(rows["Total of the day"][1:], (33.5, 28.0, 5.5))

        registry.action_reconcile()  # again: same report, nothing more
        self.assertEqual(len(registry.line_ids), 4)

        registry.action_settle()
        transfer = registry.settlement_payment_id
        self.assertEqual((transfer.amount, transfer.state, registry.state), (33.5, "in_process", "settled"))
        self.assertEqual(transfer.journal_id, self.terminal.settlement_journal_id)
        clearing_lines = self.env["account.move.line"].search([("account_id", "=", self.clearing.id)])
        # 20 + 5 + 3 paid at terminals, 33.50 transferred: 5.50 too much, the 3.00 not listed is still owed.
        self.assertAlmostEqual(sum(clearing_lines.mapped("balance")), -5.5)
        paid_1 = self._intakes().filtered(lambda i: i.transaction_id == "2000001").payment_id.move_id.line_ids
        self.assertTrue(paid_1.filtered(lambda line: line.account_id == self.clearing).reconciled)
        not_listed = self._intakes().filtered(lambda i: i.transaction_id == "2000003").payment_id.move_id.line_ids
        self.assertFalse(not_listed.filtered(lambda line: line.account_id == self.clearing).reconciled)
        with self.assertRaisesRegex(UserError, "already settled"):
            registry.action_settle()
        self.assertEqual(
            self.env["account.payment"].search_count(
                [("journal_id", "=", transfer.journal_id.id), ("amount", "=", 33.5)]
            ),
            1,
        )

    def test_clone_layout_reads_the_same(self):
        for txn_id, amount in (("2000001", "20.00"), ("2000002", "6.00"), ("2000004", "7.50")):
            self.assertEqual(self._pay(txn_id=txn_id, amount=amount)["result"], "0")
        registry = self._registry(REGISTRY.format(account=self.sub.name))
        registry.action_reconcile()
        self.assertEqual(registry.line_ids.mapped("status"), ["matched"] * 3)
        self.assertEqual((registry.registry_total, registry.our_total, registry.difference), (33.5, 33.5, 0.0))

    def test_same_day_twice_and_broken_file(self):
        self._registry(REGISTRY.format(account=self.sub.name))
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._registry(REGISTRY.format(account=self.sub.name))
        broken = REGISTRY.format(account=self.sub.name).replace("Итого;3;33.50", "Итого;3;40.00")
        registry = self._registry(broken, day="2026-03-06")
        with self.assertRaisesRegex(UserError, "the total line says 3 payments of 40.00"):
            registry.action_reconcile()
        self.assertFalse(registry.line_ids)

    def test_billing_user_only_reads_registries(self):
        user = new_test_user(
            self.env,
            login="registry_reader",
            groups="base.group_user,subscription_billing.group_subscription_billing_user",
        )
        registry = self._registry(REGISTRY.format(account=self.sub.name))
        self.assertEqual(registry.with_user(user).read(["name"])[0]["name"], "City24 2026-03-05")
        with self.assertRaises(AccessError):
            self.env["subscription.terminal.registry"].with_user(user).create(
                {"terminal_id": self.terminal.id, "date": "2026-03-07"}
            )
