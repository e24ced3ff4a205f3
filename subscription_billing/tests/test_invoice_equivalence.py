from datetime import date

from odoo.tests import Form, tagged

from .common import SubscriptionBillingCommon


@tagged("post_install", "-at_install")
class TestInvoiceEquivalence(SubscriptionBillingCommon):
    @staticmethod
    def _entries(move):
        return sorted(
            (
                line.display_type,
                line.account_id.code,
                tuple(sorted(line.tax_ids.ids)),
                line.tax_line_id.id,
                tuple(sorted(line.tax_tag_ids.ids)),
                line.currency_id.id,
                line.debit,
                line.credit,
                line.amount_currency,
                line.date_maturity,
            )
            for line in move.line_ids
        )

    def test_generated_invoice_equals_invoice_made_by_hand(self):
        """Same accounts, taxes, tax lines, tags and amounts as the Invoicing app's own form."""
        for partner in (self.partner_a, self.partner_b):  # partner_b has a fiscal position and 30/70 terms
            with self.subTest(partner=partner.name):
                sub = self._subscribe(
                    [{"tariff_id": self.monthly.id, "quantity": 3, "discount": 10.0}], date(2025, 1, 1), partner=partner
                )
                self._bill(date(2025, 1, 1))
                generated = self._invoices(sub)

                form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
                form.partner_id = partner
                form.invoice_date = date(2025, 1, 1)
                with form.invoice_line_ids.new() as line:
                    line.product_id = self.service
                    line.quantity = 3
                    line.price_unit = 31.0
                    line.discount = 10.0
                manual = form.save()
                manual.action_post()

                self.assertEqual(self._entries(generated), self._entries(manual))
                self.assertEqual(generated.fiscal_position_id, manual.fiscal_position_id)
                self.assertEqual(generated.invoice_payment_term_id, manual.invoice_payment_term_id)
                for field in ("amount_untaxed", "amount_tax", "amount_total", "amount_residual"):
                    self.assertAlmostEqual(generated[field], manual[field])
                self.assertAlmostEqual(generated.amount_untaxed, 83.7)
