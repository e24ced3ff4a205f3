import io
from datetime import datetime

import xlsxwriter

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FIXTURES, BankStatementCommon


@tagged("post_install", "-at_install")
class TestSheetImport(BankStatementCommon):
    """Bank sheets with the bank's own lines above the table.

    ``mbank_zestawienie.csv`` follows mBank's "Elektroniczne zestawienie operacji" CSV export
    (Windows-1250, CRLF, ";", the # metadata block, ``#Saldo końcowe`` footer) as the
    open-source readers of that export read it (GitHub: Bank2Qif's mBank converter, a Go
    "mBankStatement" reader, a Haskell ekonto.csv parser); people and amounts invented.
    """

    def test_mbank_csv_preset_header_below_the_preamble(self):
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_mbank")
        self.assertEqual(mapping.file_encoding, "windows-1250")
        lines, jobs = self._import("mbank_zestawienie.csv", self.journal_mbank, mapping=mapping)
        # 38 lines of preamble skipped, the footer and the legal note too: the four operations
        self.assertEqual(jobs, 1)
        self.assertEqual(len(lines), 4)
        self.assertEqual(
            sorted(lines.mapped("amount")),
            [-1234.56, -5.0, 100.0, 250.0],
        )
        statement = lines.statement_id
        # opening 10 000,00 (the first balance 10 250,00 less its 250,00), closing 9 110,44
        self.assertEqual((statement.balance_start, statement.balance_end_real), (10000.0, 9110.44))
        self.assertTrue(statement.is_complete)
        payment = lines.filtered(lambda line: line.amount == 250.0)
        # Polish letters, not Cyrillic look-alikes (1250 read as 1251 gives "ЈUKASZ WIЊNIEWSKI")
        self.assertEqual(payment.partner_name, "ŁUKASZ WIŚNIEWSKI  UL. ŻEROMSKIEGO 5/12  80-001 GDAŃSK")
        self.assertEqual(payment.payment_ref, "Opłata za internet, umowa SB-00013 PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY")
        # the account without the quotes mBank puts around it
        self.assertEqual(payment.account_number, "61109010140000071219812874")
        self.assertEqual(str(payment.date), "2026-11-03")
        # matched by the contract in the title and reconciled with its invoice (250.00)
        self.assertEqual(
            (payment.subscription_id, payment.subscription_match_method), (self.subs["SB-00013"], "contract")
        )
        self.assertTrue(payment.is_reconciled)
        self.assertEqual((self.invoices[2].payment_state, self.invoices[2].amount_residual), ("paid", 0.0))
        # Wiśniewska pays 100,00 of her 120,00: 20,00 left
        partial = lines.filtered(lambda line: line.amount == 100.0)
        self.assertEqual(partial.partner_name, "ZOFIA WIŚNIEWSKA  UL. SŁOWACKIEGO 3  31-001 KRAKÓW")
        self.assertEqual(partial.subscription_id, self.subs["SB-00019"])
        self.assertEqual((self.invoices[6].payment_state, self.invoices[6].amount_residual), ("partial", 20.0))
        # the rent and the bank's fee stay for the accountant
        rent = lines.filtered(lambda line: line.amount == -1234.56)
        self.assertEqual(rent.partner_name, "SPÓŁDZIELNIA MIESZKANIOWA ŚWIT  UL. KOŚCIUSZKI 1  90-001 ŁÓDŹ")
        fee = lines.filtered(lambda line: line.amount == -5.0)
        self.assertEqual((rent | fee).mapped("subscription_match_state"), [False, False])
        self.assertFalse((rent | fee).subscription_id)
        # the same file again creates nothing
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("mbank_zestawienie.csv", self.journal_mbank, mapping=mapping)
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count([("journal_id", "=", self.journal_mbank.id)]), 4
        )

    def test_mbank_preset_refuses_another_banks_file(self):
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_mbank")
        with (
            mute_logger("odoo.addons.account_statement_import_sheet_file.models.account_statement_import"),
            self.assertRaisesRegex(UserError, "No row of this file holds the columns #Data księgowania, #Kwota"),
        ):
            self._import("privatbank_business.csv", self.journal_mbank, mapping=mapping)
        self.assertFalse(self.env["account.bank.statement.line"].search([("journal_id", "=", self.journal_mbank.id)]))

    def test_mbank_operations_list_in_windows_1250_or_utf8(self):
        """``mbank_lista_operacji.csv`` follows mBank's "Lista operacji" CSV export (the
        preamble, ``#Waluta;#Wpływy;#Wydatki``, amounts like ``1 234,56 PLN``) as GitHub
        readers of it read it (e.g. "mquery"); people and amounts invented."""
        mapping = self.env.ref("subscription_billing_bank_statement.sheet_mapping_mbank_operations")
        data = (FIXTURES / "mbank_lista_operacji.csv").read_bytes()
        lines, _jobs = self._import("lista.csv", self.journal_mbank, mapping=mapping, data=data)
        self.assertEqual(sorted(lines.mapped("amount")), [-1234.56, 99.0, 1250.0])
        nowak = self._by_ref(lines, "INV/2026/00008")
        self.assertEqual(
            nowak.payment_ref, "ADAM NOWAK  PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY  Faktura INV/2026/00008, Kraków"
        )
        # by the invoice number: 99.00 pays it, the other 1 151.00 stays as his advance
        self.assertEqual((nowak.subscription_id, nowak.subscription_match_method), (self.subs["SB-00016"], "invoice"))
        self.assertEqual((self.invoices[7].payment_state, self.invoices[7].amount_residual), ("paid", 0.0))
        self.assertEqual(self.nowak.credit, -1151.0)
        # nobody of ours: the credit waits for a person
        stranger = self._by_ref(lines, "ŻANETA GÓRSKA")
        self.assertEqual(stranger.subscription_match_state, "unmatched")
        # the same list exported as UTF-8 reads the same: nothing new
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("lista.csv", self.journal_mbank, mapping=mapping, data=data.decode("cp1250").encode("utf-8"))
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count([("journal_id", "=", self.journal_mbank.id)]), 3
        )

    def _xlsx(self):
        """A bank statement as a Ukrainian or Polish bank's XLSX export lays it out: the bank's
        lines above the header, dates as real Excel dates, money out and money in in two
        columns ("Дебет": out, "Кредит": in, from the account holder's bank's side)."""
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet("Виписка")
        day = book.add_format({"num_format": "dd.mm.yyyy"})
        sheet.write_row(0, 0, ["Виписка по рахунку UA683052990000026002015012345"])
        sheet.write_row(1, 0, ["за період", "01.11.2026 - 30.11.2026"])
        sheet.write_row(3, 0, ["Дата", "Контрагент", "Призначення платежу", "Дебет", "Кредит"])
        rows = [
            (datetime(2026, 11, 4), "Шевченко Олена Іванівна", "Оплата за інтернет, договір SB-00012", None, 200),
            (datetime(2026, 11, 4), "Łukasz Wiśniewski", "Opłata za internet, umowa SB-00013", None, 250.0),
            (datetime(2026, 11, 5), 'АТ КБ "ПРИВАТБАНК"', "Комісія за РКО", 35.5, None),
        ]
        for index, (when, who, what, out, into) in enumerate(rows, start=4):
            sheet.write_datetime(index, 0, when, day)
            sheet.write_string(index, 1, who)
            sheet.write_string(index, 2, what)
            if out is not None:
                sheet.write_number(index, 3, out)
            if into is not None:
                sheet.write_number(index, 4, into)
        sheet.write_row(8, 1, ["Обороти", "", 35.5, 450.0])
        book.close()
        return buffer.getvalue()

    def test_xlsx_with_debit_and_credit_columns(self):
        # OCA's "debit" column is what the account receives: the bank's "Кредит"
        mapping = self.env["account.statement.import.sheet.mapping"].create(
            {
                "name": "Bank XLSX",
                "float_thousands_sep": "none",
                "float_decimal_sep": "dot",
                "header_detect": True,
                "timestamp_format": "%d.%m.%Y",
                "timestamp_column": "Дата",
                "amount_type": "distinct_credit_debit",
                "amount_debit_column": "Кредит",
                "amount_credit_column": "Дебет",
                "description_column": "Призначення платежу",
                "partner_name_column": "Контрагент",
            }
        )
        lines, _jobs = self._import("vypyska.xlsx", self.journal_privat, mapping=mapping, data=self._xlsx())
        # the turnover row below the table has no date: not a line
        self.assertEqual(len(lines), 3)
        shevchenko = self._by_ref(lines, "договір SB-00012")
        self.assertEqual((shevchenko.partner_name, shevchenko.amount), ("Шевченко Олена Іванівна", 200.0))
        self.assertEqual(str(shevchenko.date), "2026-11-04")
        polish = self._by_ref(lines, "umowa SB-00013")
        self.assertEqual((polish.partner_name, polish.amount), ("Łukasz Wiśniewski", 250.0))
        fee = self._by_ref(lines, "Комісія")
        self.assertEqual(fee.amount, -35.5)
        self.assertFalse(fee.subscription_match_state)
        # 200.00 to SB-00012: the oldest invoice (300.00, due 15 Sept) first, 100.00 left on it,
        # the October one (200.00) untouched
        self.assertEqual(shevchenko.subscription_id, self.subs["SB-00012"])
        self.assertEqual((self.invoices[0].payment_state, self.invoices[0].amount_residual), ("partial", 100.0))
        self.assertEqual((self.invoices[1].payment_state, self.invoices[1].amount_residual), ("not_paid", 200.0))
        self.assertEqual(polish.subscription_id, self.subs["SB-00013"])
        self.assertEqual(self.invoices[2].amount_residual, 0.0)
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import("vypyska.xlsx", self.journal_privat, mapping=mapping, data=self._xlsx())
        self.assertEqual(
            self.env["account.bank.statement.line"].search_count([("journal_id", "=", self.journal_privat.id)]), 3
        )
