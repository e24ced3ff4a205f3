"""Renewals and certificate-set invoices on Odoo's Ukrainian and Polish charts of accounts."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CertCommon


class LocalizationFlows:
    allow_inherited_tests_method = True  # Odoo's loader takes a class's own test methods only, by default
    vat_rate = None
    currency_code = None

    def test_renewal_draft_invoice_carries_the_local_vat(self):
        self.company.cert_renewal_invoice = True
        self.assertEqual(self.module_gl.taxes_id, self.company.account_sale_tax_id)
        self.assertEqual(self.company.account_sale_tax_id.amount, self.vat_rate)
        self._license(date(2026, 3, 31))
        with freeze_time("2026-03-01"):
            reminder = self._run_cron()
        invoice = reminder.invoice_id
        self.assertEqual((invoice.state, invoice.currency_id.name), ("draft", self.currency_code))
        vat = round(240.0 * self.vat_rate / 100, 2)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (240.0, vat, 240.0 + vat))

    def test_set_invoice_is_posted_in_the_sale_journal_and_the_act_states_its_total(self):
        self.set_product.taxes_id = self.company.account_sale_tax_id
        cert_set = self._set()
        cert_set.action_create_invoice()
        invoice = cert_set.invoice_id
        vat = round(95.0 * self.vat_rate / 100, 2)
        self.assertEqual((invoice.state, invoice.journal_id.type), ("posted", "sale"))
        self.assertEqual(invoice.amount_total, 95.0 + vat)
        self.assertEqual(cert_set._cert_document_amounts()["total"], 95.0 + vat)


@tagged("post_install", "-at_install")
class TestUkrainianChart(LocalizationFlows, CertCommon):
    chart_template = "ua_psbo"
    country_code = "UA"
    vat_rate = 20.0
    currency_code = "UAH"


@tagged("post_install", "-at_install")
class TestPolishChart(LocalizationFlows, CertCommon):
    chart_template = "pl"
    country_code = "PL"
    vat_rate = 23.0
    currency_code = "PLN"
