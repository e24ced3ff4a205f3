import base64
from contextlib import closing
from unittest.mock import patch

from odoo import sql_db
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import account_bank_statement_line
from .common import FIXTURES, BankStatementCommon

# The bank's references of camt053_uah.xml's lines, in file order: seven entries, the batch
# one split in its two payments.
CAMT_REFS = [
    "UB2611040000001",
    "UB2611040000002-01",
    "UB2611040000002-02",
    "UB2611040000003",
    "UB2611040000004",
    "UB2611040000005",
    "UB2611040000006",
    "UB2611040000007",
]


@tagged("post_install", "-at_install")
class TestBankStatementImport(BankStatementCommon):
    def _journal_balance(self, journal):
        liquidity = self.env["account.move.line"].search(
            [("account_id", "=", journal.default_account_id.id), ("parent_state", "=", "posted")]
        )
        return round(sum(liquidity.mapped("balance")), 2)

    def test_1c_file_read_in_windows_1251_with_balances(self):
        # what the bank account held before: the previous statement
        self.env["account.bank.statement.line"].create(
            {"journal_id": self.journal_1c.id, "date": "2026-11-03", "payment_ref": "Opening", "amount": 1000.0}
        )
        lines, jobs = self._import("onec_exchange_uk.txt", self.journal_1c)
        self.assertEqual(jobs, 1)
        lines = lines.filtered("statement_id")
        self.assertEqual(len(lines), 3)
        statement = lines.statement_id
        self.assertEqual(statement.balance_start, 1000.0)
        self.assertEqual(statement.balance_end_real, 2135.5)
        self.assertTrue(statement.is_complete)
        first = self._by_ref(lines, "о/р SB 12")
        self.assertEqual(first.partner_name, "Шевченко Олена Іванівна")
        self.assertEqual(first.amount, 450.5)
        fee = self._by_ref(lines, "Оренда каналу")
        self.assertEqual(fee.amount, -215.0)
        self.assertEqual(fee.partner_name, 'ПАТ "Укртелеком"')
        # the journal's balance is now the bank's
        self.assertEqual(self._journal_balance(self.journal_1c), 2135.5)

    def test_reimporting_the_same_1c_file_creates_nothing(self):
        self._import("onec_exchange_uk.txt", self.journal_1c)
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("onec_exchange_uk.txt", self.journal_1c)
        lines = self.env["account.bank.statement.line"].search([("journal_id", "=", self.journal_1c.id)])
        self.assertEqual(len(lines), 3)

    def test_broken_1c_file_is_refused_with_its_line(self):
        data = (
            (FIXTURES / "onec_exchange_uk.txt")
            .read_bytes()
            .replace("Сумма=900.00".encode("cp1251"), "Сумма=9OO,x".encode("cp1251"))
        )
        wizard = (
            self.env["account.statement.import"]
            .with_context(journal_id=self.journal_1c.id)
            .create({"statement_filename": "bad.txt", "statement_file": base64.b64encode(data)})
        )
        with self.assertRaisesRegex(UserError, "cannot be read: line 37"):
            wizard.import_file_button()
        self.assertFalse(self.env["account.bank.statement.line"].search([("journal_id", "=", self.journal_1c.id)]))

    def test_camt_entries_batch_reversal_and_references(self):
        lines, _jobs = self._import("camt053_uah.xml", self.journal_camt)
        # seven entries, the batch one split in its two payments
        self.assertEqual(len(lines), 8)
        self.assertEqual(
            sorted(lines.mapped("unique_import_id")),
            sorted(f"UA353052990000026009036201570-{self.journal_camt.id}-camt-{ref}" for ref in CAMT_REFS),
        )
        polish = lines.filtered(lambda line: line.ref == "RF51SB00013")
        self.assertEqual(polish.partner_name, "Łukasz Wiśniewski")
        statement = lines.statement_id
        self.assertEqual((statement.balance_start, statement.balance_end_real), (5000.0, 6204.0))
        self.assertTrue(statement.is_complete)

    def test_big_statement_created_in_chunks_with_fresh_statistics(self):
        """A file bigger than a chunk: every line in file order on one complete statement, and
        PostgreSQL's statistics count the journal entries this very import made."""
        with patch.object(account_bank_statement_line, "CREATE_CHUNK", 3):
            lines, jobs = self._import("camt053_uah.xml", self.journal_camt)
        self.assertEqual(len(lines), 8)
        self.assertEqual(len(lines.statement_id), 1)
        self.assertTrue(lines.statement_id.is_complete)
        self.assertEqual(lines.statement_id.balance_end, 6204.0)
        self.assertEqual(
            [uid.rsplit("-camt-", 1)[1] for uid in lines.mapped("unique_import_id")],
            CAMT_REFS,
        )
        self.assertEqual(lines.move_id.mapped("state"), ["posted"] * 8)
        self.assertEqual(jobs, 1)
        self.assertFalse(lines.filtered(lambda line: line.subscription_match_state == "pending"))
        # the journal's entries of the first chunks are in the statistics of journal entries (an
        # ANALYZE made before this import knew nothing of the journal, created by the test)
        self.env.cr.execute(
            """SELECT most_common_vals::text::int[], most_common_freqs FROM pg_stats
                WHERE tablename = 'account_move' AND attname = 'journal_id'"""
        )
        [(journals, freqs)] = self.env.cr.fetchall() or [([], [])]
        self.assertIn(self.journal_camt.id, journals)
        self.env.cr.execute("SELECT count(*) FROM account_move")
        [(moves,)] = self.env.cr.fetchall()
        # refreshed before the last chunk: six of the journal's entries, the last two not yet
        self.assertAlmostEqual(freqs[journals.index(self.journal_camt.id)], 6 / (moves - 2), places=5)

    def test_big_statement_without_balances_closes_on_all_its_lines(self):
        """A bank CSV gives no balances: the statement's closing balance is Odoo's, counted on
        all its lines, not on the first chunk's."""
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_privatbank_business")
        with patch.object(account_bank_statement_line, "CREATE_CHUNK", 1):
            lines, _jobs = self._import("privatbank_business.csv", self.journal_privat, mapping=mapping)
        statement = lines.statement_id
        self.assertEqual(sorted(lines.mapped("amount")), [-12.5, 200.0])
        self.assertEqual((statement.balance_start, statement.balance_end_real), (0.0, 187.5))
        self.assertTrue(statement.is_complete)

    def test_big_statement_imported_while_another_transaction_analyzes(self):
        """Another import holds the statistics lock of the journal entries: this one goes on
        without refreshing them, and leaves its transaction's lock timeout as it was."""
        self.env.cr.execute("SHOW lock_timeout")
        [(timeout,)] = self.env.cr.fetchall()
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("LOCK TABLE account_move IN SHARE UPDATE EXCLUSIVE MODE")
            with patch.object(account_bank_statement_line, "CREATE_CHUNK", 3):
                lines, _jobs = self._import("camt053_uah.xml", self.journal_camt)
            other.rollback()
        self.assertEqual(len(lines), 8)
        self.assertTrue(lines.statement_id.is_complete)
        self.env.cr.execute("SHOW lock_timeout")
        self.assertEqual(self.env.cr.fetchall(), [(timeout,)])

    def test_overlapping_camt_statement_creates_nothing_new(self):
        self._import("camt053_uah.xml", self.journal_camt)
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("camt053_uah.xml", self.journal_camt)
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count([("journal_id", "=", self.journal_camt.id)]), 8
        )

    def test_privatbank_csv_preset(self):
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_privatbank_business")
        lines, _jobs = self._import("privatbank_business.csv", self.journal_privat, mapping=mapping)
        self.assertEqual(len(lines), 2)
        payment = self._by_ref(lines, "договір SB-00012")
        self.assertEqual(payment.partner_name, "ШЕВЧЕНКО ОЛЕНА ІВАНІВНА")
        self.assertEqual(payment.payment_ref, "Оплата за послуги зв'язку, договір SB-00012; без ПДВ")
        self.assertEqual(payment.amount, 200.0)
        self.assertEqual(payment.subscription_id, self.subs["SB-00012"])
        fee = self._by_ref(lines, "Комісія")
        self.assertEqual(fee.amount, -12.5)
        self.assertFalse(fee.subscription_match_state)
        # no bank reference in the file: the hash keeps a re-import out
        self.assertTrue(all(uid.split("-", 2)[2].startswith("hash-") for uid in lines.mapped("unique_import_id")))
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("privatbank_business.csv", self.journal_privat, mapping=mapping)

    def test_windows_1250_csv_read_as_polish_not_cyrillic(self):
        """A Polish bank's CSV in Windows-1250 under a mapping left at UTF-8: the letters decide
        (chardet, the OCA fallback, reads this file as Windows-1252: "Op³ata", "£ukasz")."""
        mapping = self.env["account.statement.import.sheet.mapping"].create(
            {
                "name": "Polish bank",
                "file_encoding": "utf-8",
                "delimiter": "semicolon",
                "float_thousands_sep": "none",
                "float_decimal_sep": "comma",
                "header_lines_skip_count": 1,
                "timestamp_format": "%Y-%m-%d",
                "timestamp_column": "Data operacji",
                "amount_column": "Kwota",
                "description_column": "Tytuł",
                "partner_name_column": "Nadawca",
            }
        )
        content = (
            "Data operacji;Tytuł;Nadawca;Kwota\r\n"
            "2026-11-04;Opłata za internet, umowa SB-00013;Łukasz Wiśniewski, Gdańsk;300,00\r\n"
        ).encode("cp1250")
        wizard = (
            self.env["account.statement.import"]
            .with_context(journal_id=self.journal_privat.id)
            .create(
                {
                    "statement_filename": "wyciag.csv",
                    "statement_file": base64.b64encode(content),
                    "sheet_mapping_id": mapping.id,
                }
            )
        )
        wizard.import_file_button()
        line = self.env["account.bank.statement.line"].search([("journal_id", "=", self.journal_privat.id)])
        self.assertEqual(line.partner_name, "Łukasz Wiśniewski, Gdańsk")
        self.assertEqual(line.payment_ref, "Opłata za internet, umowa SB-00013")
        self.assertEqual(line.amount, 300.0)

    def test_monobank_csv_preset(self):
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_monobank")
        lines, _jobs = self._import("monobank.csv", self.journal_privat, mapping=mapping)
        self.assertEqual(len(lines), 2)
        statement = lines.statement_id
        self.assertEqual((statement.balance_start, statement.balance_end_real), (5000.0, 5190.0))
        payment = lines.filtered(lambda line: line.amount > 0)
        self.assertEqual(payment.payment_ref, "Від: Шевченко Олена Іванівна")
        # the bank's "Від:" is no part of the name: she is found by it
        self.assertEqual((payment.subscription_id, payment.subscription_match_method), (self.subs["SB-00012"], "name"))
        fee = lines.filtered(lambda line: line.amount < 0)
        self.assertEqual(fee.amount, -10.0)
        self.assertFalse(fee.subscription_match_state)
