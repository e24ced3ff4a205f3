from datetime import date

from odoo.tests import tagged

from .common import SubscriptionBillingCommon


@tagged("post_install", "-at_install")
class TestSubscriberCard(SubscriptionBillingCommon):
    def test_partner_card_shows_tariffs_balance_payment_next_invoice(self):
        partner = self.env["res.partner"].create({"name": "Anna Subscriber"})
        sub = self._subscribe([self.monthly, self.tariffs["advance"]["quarter"]], date(2025, 1, 1), partner=partner)
        self._subscribe([self.monthly], date(2025, 1, 1), partner=partner, activate=False)
        self._bill(date(2025, 1, 1))
        invoice = self._invoices(sub)
        partner.invalidate_recordset()
        self.assertEqual(partner.subscription_count, 2)
        self.assertEqual(partner.subscription_active_count, 1)
        self.assertEqual(partner.subscription_tariffs, "month advance, quarter advance")
        self.assertEqual(partner.subscription_next_invoice_date, date(2025, 2, 1))
        self.assertAlmostEqual(partner.subscription_balance, invoice.amount_total)
        self.assertFalse(partner.subscription_last_payment_date)

        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 50.0, "payment_date": date(2025, 1, 15)}
        )._create_payments()
        partner.invalidate_recordset()
        self.assertEqual(partner.subscription_last_payment_date, date(2025, 1, 15))
        self.assertAlmostEqual(partner.subscription_last_payment_amount, 50.0)
        self.assertAlmostEqual(partner.subscription_balance, invoice.amount_total - 50.0)

        action = partner.action_view_subscriptions()
        self.assertEqual(self.env["subscription.subscription"].search(action["domain"]).partner_id, partner)
        invoices = self.env["account.move"].search(partner.action_view_subscription_invoices()["domain"])
        self.assertEqual(invoices, invoice)
        self.assertEqual(sub.invoice_count, 1)
        self.assertAlmostEqual(sub.amount_due, invoice.amount_total - 50.0)
        self.assertAlmostEqual(sub.recurring_monthly, 31.0 + 30.0)
