"""Billing, proration, payments and dunning on Odoo's Ukrainian and Polish charts of accounts.

The other tests run on Odoo's generic chart; these run the same flows on a company set up
with ``l10n_ua`` (VAT 20%, UAH) and ``l10n_pl`` (VAT 23%, PLN), their taxes and journals.
"""

import base64
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SubscriptionBillingCommon, trap_jobs


class LocalizationFlows:
    """The flows, checked against figures computed by hand at the chart's own VAT rate."""

    allow_inherited_tests_method = True  # Odoo's loader takes a class's own test methods only, by default
    vat_rate = None  # the localization's standard sale VAT, in percent
    currency_code = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        default = cls.env.ref("subscription_billing.dunning_policy_default").sudo()
        default.copy({"company_id": cls.env.company.id, "collection_user_id": cls.env.user.id})
        cls.customer = cls.env["res.partner"].create({"name": "Local Subscriber", "mobile": "+380671234567"})

    def _vat(self, untaxed):
        return round(untaxed * self.vat_rate / 100, 2)

    def test_chart_gives_the_local_vat_and_currency(self):
        self.assertEqual(self.env.company.currency_id.name, self.currency_code)
        self.assertEqual(self.tax_sale_a.amount, self.vat_rate)

    def test_billing_a_month_posts_a_sale_invoice_with_local_vat(self):
        sub = self._subscribe([self.monthly], date(2026, 3, 1), partner=self.customer)
        self._bill(date(2026, 3, 1))
        invoice = self._invoices(sub)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.journal_id.type, "sale")
        self.assertEqual(invoice.currency_id.name, self.currency_code)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_sale_a)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax), (31.0, self._vat(31.0)))
        self.assertEqual(invoice.amount_total, 31.0 + self._vat(31.0))

    def test_a_month_started_on_the_11th_is_prorated(self):
        sub = self._subscribe([self.monthly], date(2026, 3, 11), partner=self.customer)
        self._bill(date(2026, 3, 11))
        invoice = self._invoices(sub)
        # 21 of March's 31 days at 31.00 a month.
        self.assertEqual(invoice.amount_untaxed, 21.0)
        self.assertEqual(invoice.amount_total, 21.0 + self._vat(21.0))

    def test_a_bank_file_payment_pays_the_invoice(self):
        sub = self._subscribe([self.monthly], date(2026, 3, 1), partner=self.customer)
        self._bill(date(2026, 3, 1))
        invoice = self._invoices(sub)
        mapping = self.env["subscription.payment.mapping"].create(
            {
                "name": "Bank",
                "journal_id": self.company_data["default_journal_bank"].id,
                "column_contract": "Contract",
                "column_amount": "Sum",
                "column_date": "Date",
                "column_transaction": "Txn",
            }
        )
        text = f"Contract;Sum;Date;Txn\n{sub.name};{invoice.amount_total};05.03.2026;T1\n"
        batch = self.env["subscription.payment.import"].create(
            {"mapping_id": mapping.id, "file": base64.b64encode(text.encode()), "filename": "bank.csv"}
        )
        batch.action_preview()
        with trap_jobs() as trap:
            batch.action_post()
            trap.perform_enqueued_jobs()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0.0)

    def test_the_first_reminder_sms_is_queued_on_the_invoice_day(self):
        sub = self._subscribe([self.monthly], date(2026, 3, 1), partner=self.customer)
        self._bill(date(2026, 3, 1))
        invoice = self._invoices(sub)
        with freeze_time(date(2026, 3, 1)), trap_jobs() as trap:
            self.env["subscription.dunning.policy"]._cron_run_dunning(today=date(2026, 3, 1))
            trap.perform_enqueued_jobs()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn(invoice.name, sms.body)


@tagged("post_install", "-at_install")
class TestUkrainianChart(LocalizationFlows, SubscriptionBillingCommon):
    chart_template = "ua_psbo"
    country_code = "UA"
    vat_rate = 20.0
    currency_code = "UAH"


@tagged("post_install", "-at_install")
class TestPolishChart(LocalizationFlows, SubscriptionBillingCommon):
    chart_template = "pl"
    country_code = "PL"
    vat_rate = 23.0
    currency_code = "PLN"
