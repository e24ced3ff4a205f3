from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import FIXTURES, BankStatementCommon


@tagged("post_install", "-at_install")
class TestSubscriberMatching(BankStatementCommon):
    def test_invoice_numbers_are_the_fixtures(self):
        self.assertEqual(self.invoices[3].name, "INV/2026/00004")

    def test_1c_contract_and_tax_id_paid_oldest_first(self):
        lines, _jobs = self._import("onec_exchange_uk.txt", self.journal_1c)
        shevchenko = self._by_ref(lines, "о/р SB 12")
        self.assertEqual(shevchenko.subscription_id, self.subs["SB-00012"])
        self.assertEqual(shevchenko.subscription_match_method, "contract")
        self.assertTrue(shevchenko.is_reconciled)
        # 450.50 pays the September invoice (300.00) and 150.50 of October's 200.00
        september, october = self.invoices[0], self.invoices[1]
        self.assertEqual((september.payment_state, september.amount_residual), ("paid", 0.0))
        self.assertEqual((october.payment_state, october.amount_residual), ("partial", 49.5))
        grunt = self._by_ref(lines, "Оплата згідно рахунку")
        self.assertEqual(grunt.subscription_match_method, "tax_id")
        self.assertEqual(grunt.partner_id, self.grunt)
        self.assertEqual(self.invoices[8].payment_state, "paid")
        # the rent paid out stays a plain line for the accountant
        rent = self._by_ref(lines, "Оренда каналу")
        self.assertFalse(rent.subscription_match_state)
        self.assertFalse(rent.is_reconciled)
        self.assertEqual(
            rent.move_id.line_ids.account_id, rent.journal_id.default_account_id | rent.journal_id.suspense_account_id
        )

    def test_camt_each_identifier_kind(self):
        lines, _jobs = self._import("camt053_uah.xml", self.journal_camt)
        expected = {
            "RF51SB00013": ("SB-00013", "contract"),
            "inv-2026-00004": ("SB-00014", "invoice"),
            "ос. рах. 77031": ("SB-00015", "account"),
            "Поповнення рахунку": ("SB-00018", "iban"),
            "Opłata za internet": ("SB-00019", "name"),
        }
        for text, (contract, method) in expected.items():
            line = lines.filtered(lambda li, t=text: t in (li.payment_ref or "") or li.ref == t)
            self.assertEqual(len(line), 1, text)
            self.assertEqual((line.subscription_id.name, line.subscription_match_method), (contract, method), text)
            self.assertTrue(line.is_reconciled, text)
        # Wiśniewski paid 300.00 on a 250.00 invoice: paid, 50.00 left on his account as an advance
        self.assertEqual(self.invoices[2].payment_state, "paid")
        self.assertEqual(self.wisniewski.credit, -50.0)
        for index in (3, 4, 5, 6):
            self.assertEqual(self.invoices[index].payment_state, "paid", self.invoices[index].name)
        # the fee and the reversal are left alone
        fee = lines.filtered(lambda li: li.amount == -25.0)
        reversal = lines.filtered(lambda li: "Повернення" in li.payment_ref)
        self.assertFalse(fee.subscription_match_state or reversal.subscription_match_state)
        self.assertFalse(fee.is_reconciled or reversal.is_reconciled)
        # journal balance: what the statement says the bank holds, less the opening we never booked
        liquidity = self.env["account.move.line"].search(
            [("account_id", "=", self.journal_camt.default_account_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(round(sum(liquidity.mapped("balance")), 2), 6204.0 - 5000.0)

    def test_invoice_number_with_a_zero_dropped_inside(self):
        """INV/2026/00004 written by the payer as "INV/2026/0004": the invoice is still found."""
        data = (FIXTURES / "camt053_uah.xml").read_text(encoding="utf-8")
        data = data.replace("Сплата рахунку inv-2026-00004 за жовтень", "Сплата рахунку INV/2026/0004 за жовтень")
        lines, _jobs = self._import("camt053_uah.xml", self.journal_camt, data=data.encode())
        line = lines.filtered(lambda li: "INV/2026/0004" in (li.payment_ref or ""))
        self.assertEqual((line.subscription_id.name, line.subscription_match_method), ("SB-00014", "invoice"))
        self.assertTrue(line.is_reconciled)
        self.assertEqual(self.invoices[3].payment_state, "paid")

    def test_typo_waits_with_the_right_first_suggestion_and_one_click_assigns(self):
        lines, _jobs = self._import("camt053_uah.xml", self.journal_camt)
        nowak = lines.filtered(lambda li: "SB-00061" in li.payment_ref)
        self.assertEqual(nowak.subscription_match_state, "unmatched")
        self.assertFalse(nowak.is_reconciled)
        first = nowak.subscription_suggestion_ids.sorted("sequence")[0]
        self.assertEqual(first.subscription_id, self.subs["SB-00016"])
        self.assertEqual(first.reason, "reference")
        self.assertEqual(first.reason_detail, "SB61 is close to SB16")
        self.assertAlmostEqual(first.score, 0.85)
        self.assertIn(
            nowak, self.env["account.bank.statement.line"].search([("subscription_match_state", "=", "unmatched")])
        )
        # an accountant who is no billing manager assigns it
        accountant = new_test_user(
            self.env,
            "bank.clerk",
            groups="account.group_account_basic,subscription_billing.group_subscription_billing_user",
        )
        first.with_user(accountant).action_assign()
        self.assertEqual(nowak.subscription_match_state, "matched")
        self.assertEqual(nowak.subscription_match_method, "manual")
        self.assertTrue(nowak.is_reconciled)
        self.assertEqual(self.invoices[7].payment_state, "paid")
        with self.assertRaisesRegex(UserError, "not waiting"):
            nowak.action_subscription_assign()

    def test_billing_user_without_invoicing_rights_cannot_assign(self):
        lines, _jobs = self._import("camt053_uah.xml", self.journal_camt)
        nowak = lines.filtered(lambda li: "SB-00061" in li.payment_ref)
        viewer = new_test_user(
            self.env, "billing.viewer", groups="subscription_billing.group_subscription_billing_user"
        )
        with self.assertRaises(AccessError):
            nowak.subscription_suggestion_ids[0].with_user(viewer).action_assign()

    def test_company_pattern_finds_a_bare_number(self):
        self.journal_camt.subscription_reference_pattern = r"K(\d{2})"
        self.subs["SB-00014"].partner_id.ref = "4411"
        line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.journal_camt.id,
                "date": "2026-11-04",
                "payment_ref": "оплата K44 11 дякую",
                "amount": 200.0,
            }
        )
        line.subscription_match_state = "pending"
        line._subscription_match_and_reconcile()
        self.assertEqual(line.subscription_match_state, "unmatched")
        self.journal_camt.subscription_reference_pattern = r"K\s?(\d{2}\s?\d{2})"
        line.action_subscription_rematch()
        self.assertEqual((line.subscription_match_method, line.partner_id), ("account", self.bondar))
        self.assertEqual(self.invoices[3].payment_state, "paid")

    def test_accountant_without_billing_rights_leaves_the_matching_to_a_billing_user(self):
        bookkeeper = new_test_user(self.env, "bookkeeper", groups="account.group_account_user")
        lines, jobs = self._import("onec_exchange_uk.txt", self.journal_1c, user=bookkeeper)
        self.assertEqual(jobs, 0)
        credits = lines.filtered(lambda line: line.amount > 0)
        self.assertEqual(set(credits.mapped("subscription_match_state")), {"pending"})
        self.assertEqual(self.invoices[0].payment_state, "not_paid")
        credits.action_subscription_rematch()
        self.assertEqual(set(credits.mapped("subscription_match_state")), {"matched"})
        self.assertEqual(self.invoices[0].payment_state, "paid")
