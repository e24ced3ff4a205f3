import base64
from datetime import date
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SubscriptionBillingCommon, bill_through_jobs, trap_jobs

DAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestPaymentImport(SubscriptionBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        # Numbers written in national form are read with the company's country.
        cls.env.company.country_id = cls.env.ref("base.be")
        make = cls.env["res.partner"].create
        cls.by_contract = make({"name": "Contract Payer"})
        cls.by_invoice = make({"name": "Invoice Payer"})
        cls.by_ref = make({"name": "Ref Payer", "ref": "CUST-77"})
        cls.by_phone = make({"name": "Phone Payer", "phone": "+32 470 12 34 56"})
        cls.by_name = make({"name": "Иван Петров"})
        cls.subs = {}
        for key, partner in (
            ("contract", cls.by_contract),
            ("invoice", cls.by_invoice),
            ("reference", cls.by_ref),
            ("phone", cls.by_phone),
            ("name", cls.by_name),
        ):
            sub = cls.env["subscription.subscription"].create(
                {"partner_id": partner.id, "date_start": DAY, "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})]}
            )
            sub.action_activate()
            cls.subs[key] = sub
        bill_through_jobs(cls.env, DAY)
        bill_through_jobs(cls.env, date(2026, 4, 1))
        cls.mapping = cls.env["subscription.payment.mapping"].create(
            {
                "name": "Bank",
                "journal_id": cls.bank.id,
                "column_contract": "Contract",
                "column_invoice": "Invoice",
                "column_reference": "Ref",
                "column_phone": "Phone",
                "column_payer_name": "Payer",
                "column_amount": "Sum",
                "column_date": "Date",
                "column_transaction": "Txn",
            }
        )

    def _invoices(self, key):
        return self.env["account.move"].search(self.subs[key]._invoice_domain(), order="invoice_date_due, id")

    def _import(self, text, encoding="utf-8", filename="bank.csv", **vals):
        batch = self.env["subscription.payment.import"].create(
            {
                "mapping_id": self.mapping.id,
                "file": base64.b64encode(text.encode(encoding)),
                "filename": filename,
                **vals,
            }
        )
        batch.action_preview()
        return batch

    def _post(self, batch):
        """Post as a user does: the button enqueues the jobs, the job runner (here: the trap) performs them."""
        with trap_jobs() as trap:
            batch.action_post()
            trap.perform_enqueued_jobs()
        return batch

    def _file(self):
        first = {key: self._invoices(key)[0] for key in self.subs}
        rows = [
            f"{self.subs['contract'].name};;;;;{first['contract'].amount_total};02.03.2026;T1",
            f";{first['invoice'].name};;;;{first['invoice'].amount_total};02.03.2026;T2",
            f";;CUST-77;;;{first['reference'].amount_total};02.03.2026;T3",
            f";;;0470 12 34 56;;{first['phone'].amount_total};02.03.2026;T4",
            f";;;;Иван Петров;{first['name'].amount_total};02.03.2026;T5",
            ";;;;Nobody Known;10,00;02.03.2026;T6",
        ]
        return "Contract;Invoice;Ref;Phone;Payer;Sum;Date;Txn\n" + "\n".join(rows) + "\n"

    def test_each_identifier_kind_matches_and_pays_the_oldest_invoice(self):
        batch = self._import(self._file(), encoding="cp1251")
        self.assertEqual(batch.line_ids.mapped("status"), ["new"] * 6)
        self.assertFalse(batch.intake_ids, "the preview posts nothing")
        self._post(batch)
        intakes = batch.intake_ids.sorted("import_line")
        self.assertEqual(
            [(i.import_line, i.state, i.match_method, i.subscription_id) for i in intakes],
            [
                (2, "done", "contract", self.subs["contract"]),
                (3, "done", "invoice", self.subs["invoice"]),
                (4, "done", "reference", self.subs["reference"]),
                (5, "done", "phone", self.subs["phone"]),
                (6, "done", "name", self.subs["name"]),
                (7, "unmatched", False, self.env["subscription.subscription"]),
            ],
        )
        for key in self.subs:
            oldest, newest = self._invoices(key)
            self.assertEqual(oldest.payment_state, self.env["account.move"]._get_invoice_in_payment_state())
            self.assertEqual(newest.payment_state, "not_paid", "the payment went to the oldest invoice")
        payment = intakes[0].payment_id
        self.assertEqual(
            (payment.state, payment.partner_id, payment.journal_id), ("in_process", self.by_contract, self.bank)
        )

    def test_unmatched_payment_waits_then_is_assigned(self):
        batch = self._import(self._file())
        self._post(batch)
        waiting = batch.intake_ids.filtered(lambda i: i.state == "unmatched")
        self.assertEqual(waiting.amount, 10.0)
        with self.assertRaisesRegex(UserError, "Choose the subscription"):
            waiting.action_assign()
        waiting.subscription_id = self.subs["contract"]
        waiting.action_assign()
        self.assertEqual((waiting.state, waiting.match_method, waiting.payment_id.amount), ("done", "manual", 10.0))

    def test_another_file_after_the_preview_is_previewed_again_when_posted(self):
        batch = self._import(self._file())
        self.assertEqual(len(batch.line_ids), 6)
        contract = self.subs["contract"].name
        one_row = f"Contract;Invoice;Ref;Phone;Payer;Sum;Date;Txn\n{contract};;;;;7,00;02.03.2026;N1\n"
        batch.file = base64.b64encode(one_row.encode())
        self.assertEqual(batch.state, "draft", "the preview shown was of the previous file")
        self._post(batch)
        self.assertEqual([(line.line, line.status, line.amount) for line in batch.line_ids], [(2, "new", 7.0)])
        self.assertEqual(batch.intake_ids.mapped("amount"), [7.0])

    def test_the_same_file_twice_is_refused_saying_when_and_by_whom(self):
        first = self._import(self._file())
        self._post(first)
        payments_before = self.env["account.payment"].search_count([])
        with self.assertRaisesRegex(
            UserError,
            rf"This file was already imported into {self.bank.display_name} on .+ by {self.env.user.name} "
            rf"\(bank.csv\)\. Nothing was posted again\.",
        ):
            self._import(self._file())
        self.assertEqual(self.env["account.payment"].search_count([]), payments_before)
        self.assertEqual((first.posted_uid, first.posted_date.date()), (self.env.user, fields.Date.today()))

    def test_a_file_repeating_rows_of_an_earlier_one_posts_only_the_new_rows(self):
        """Rows without transaction id are known again by what they say, whatever the file."""
        sub = self.subs["contract"].name
        header = "Contract;Invoice;Ref;Phone;Payer;Sum;Date;Txn\n"
        rows = [f"{sub};;;;;5,00;02.03.2026;", f"{sub};;;;;5,00;02.03.2026;", ";;CUST-77;;;8,00;02.03.2026;"]
        first = self._import(header + "\n".join(rows) + "\n")
        self._post(first)
        self.assertEqual(first.intake_ids.mapped("amount"), [5.0, 5.0, 8.0], "two equal rows are two payments")
        # The next export of the same account repeats those rows, with one new payment.
        later = self._import(header + "\r\n".join([*rows, f"{sub};;;;;9,00;03.03.2026;"]) + "\r\n", filename="b.csv")
        self.assertEqual(later.line_ids.mapped("status"), ["duplicate", "duplicate", "duplicate", "new"])
        self._post(later)
        self.assertEqual(later.intake_ids.mapped("amount"), [9.0])
        self.assertEqual(
            self.env["subscription.payment.intake"].search_count([("row_key", "!=", False)]), 4, "nothing twice"
        )

    def test_two_banks_reusing_a_transaction_id_both_pay(self):
        other_bank = self.env["account.journal"].create({"name": "Second Bank", "type": "bank", "code": "BNK9"})
        other_mapping = self.mapping.copy({"name": "Second bank", "journal_id": other_bank.id})
        sub = self.subs["contract"].name
        text = f"Contract;Invoice;Ref;Phone;Payer;Sum;Date;Txn\n{sub};;;;;4,00;02.03.2026;0001\n"
        self._post(self._import(text))
        second = self._import(text.replace("4,00", "6,00"), mapping_id=other_mapping.id)
        self.assertEqual(second.line_ids.mapped("status"), ["new"])
        self._post(second)
        intakes = self.env["subscription.payment.intake"].search([("transaction_id", "=", "0001")])
        self.assertEqual(sorted(intakes.mapped("amount")), [4.0, 6.0])
        self.assertEqual(intakes.payment_id.journal_id, self.bank | other_bank)

    def test_each_payment_says_in_its_chatter_which_import_made_it(self):
        batch = self._import(self._file())
        self._post(batch)
        intake = batch.intake_ids.filtered(lambda i: i.import_line == 2)
        message = intake.payment_id.message_ids[:1]
        self.assertIn("Created from the payment import", message.body)
        self.assertIn(f'data-oe-model="subscription.payment.import" data-oe-id="{batch.id}"', message.body)
        self.assertIn("line 2", message.body)
        self.assertIn(intake.payment_id.name, intake.message_ids[:1].body)

    def test_posting_payments_needs_invoicing_rights(self):
        clerk = new_test_user(
            self.env, login="billing_clerk", groups="subscription_billing.group_subscription_billing_manager"
        )
        self.assertFalse(clerk.has_group("account.group_account_invoice"))
        batch = self._import(self._file()).with_user(clerk)
        with self.assertRaisesRegex(AccessError, "may not post customer payments: that needs the Invoicing rights"):
            batch.action_post()
        self.assertFalse(self.env["subscription.payment.intake"].search([("import_id", "=", batch.id)]))
        self.assertEqual(batch.state, "previewed")

    def test_bad_rows_are_named_and_nothing_is_posted(self):
        text = (
            "Contract;Invoice;Ref;Phone;Payer;Sum;Date;Txn\n"
            f"{self.subs['contract'].name};;;;;5,00;02.03.2026;B1\n"
            f"{self.subs['contract'].name};;;;;abc;02.03.2026;B2\n"
            f"{self.subs['contract'].name};;;;;5,00;2026/99/99;B3\n"
        )
        batch = self._import(text)
        self.assertEqual(
            [(line.line, line.status, line.reason) for line in batch.line_ids],
            [
                (2, "new", False),
                (3, "error", "'abc' is not an amount"),
                (4, "error", "'2026/99/99' is not a date (expected e.g. 2026-11-22 or 22.11.2026)"),
            ],
        )
        with self.assertRaisesRegex(UserError, "2 rows of bank.csv are wrong, nothing was posted:\nline 3: 'abc'"):
            batch.action_post()
        self.assertFalse(self.env["subscription.payment.intake"].search([("transaction_id", "=", "B1")]))
        batch.post_good_rows = True
        self._post(batch)
        self.assertEqual(batch.intake_ids.mapped("transaction_id"), ["B1"])
        self.assertEqual(batch.intake_ids.state, "done")

    def test_file_without_the_mapped_columns_is_refused(self):
        with self.assertRaisesRegex(UserError, "bank.csv cannot be imported: the file has no column 'Contract'"):
            self._import("Account;Sum;Date\nX;1;02.03.2026\n")

    def test_posting_a_file_is_done_by_jobs_of_a_batch_each_and_shown_on_the_import(self):
        batch = self._import(self._file())
        with (
            patch("odoo.addons.subscription_billing.models.subscription_payment_import.POST_BATCH_SIZE", 4),
            trap_jobs() as trap,
        ):
            batch.action_post()
            trap.assert_jobs_count(2)
            self.assertEqual(
                sorted([vals["import_line"] for vals in job.args[0]] for job in trap.enqueued_jobs),
                [[2, 3, 4, 5], [6, 7]],
            )
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.subscription_billing.payments"})
            self.assertFalse(batch.intake_ids, "nothing is posted in the request")
            self.assertEqual((batch.state, batch.post_job_done, batch.post_job_count), ("posting", 0, 2))
            with self.assertRaisesRegex(UserError, "is being posted"):
                batch.action_post()
            trap.perform_enqueued_jobs()
        self.assertEqual((batch.state, batch.post_job_done, batch.post_progress), ("done", 2, 100.0))
        self.assertEqual((batch.count_paid, batch.count_unmatched), (5, 1))
        self.assertEqual(sorted(batch.intake_ids.mapped("import_line")), [2, 3, 4, 5, 6, 7])
