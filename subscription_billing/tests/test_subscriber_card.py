from datetime import date

from lxml import etree

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

    def _form_labels(self, model):
        """{field: label} of the fields of ``model``'s form view, as a user reads them."""
        result = self.env[model].get_views([(False, "form")])
        arch = etree.fromstring(result["views"]["form"]["arch"])
        descriptions = result["models"][model]["fields"]
        labels = {}
        for node in arch.iter("field"):
            name = node.get("name")
            if name in descriptions and name not in labels:
                labels[name] = node.get("string") or descriptions[name].get("string")
        return labels, result

    def test_card_says_which_amounts_include_tax(self):
        partner = self.env["res.partner"].create({"name": "Berit Subscriber"})
        sub = self._subscribe([self.monthly], date(2025, 1, 1), partner=partner)
        self._bill(date(2025, 1, 1))
        partner.invalidate_recordset()
        # By hand: the monthly tariff bills 31.00 a month, tax excluded; January's invoice is
        # 31.00 + 15 % tax (4.65) = 35.65, tax included, all of it still due.
        self.assertAlmostEqual(sub.recurring_monthly, 31.0)
        self.assertAlmostEqual(sub.amount_due, 35.65)
        self.assertAlmostEqual(partner.subscription_balance, 35.65)
        # Side by side, each figure says whether it includes tax.
        labels, _result = self._form_labels("subscription.subscription")
        self.assertEqual(labels["recurring_monthly"], "Monthly (excl. tax)")
        self.assertEqual(labels["amount_due"], "Due (incl. tax)")
        self.assertEqual(labels["amount_overdue"], "Overdue (incl. tax)")
        labels, result = self._form_labels("res.partner")
        self.assertEqual(labels["subscription_balance"], "Balance Owed (incl. tax)")
        self.assertEqual(labels["subscription_overdue"], "Overdue (incl. tax)")
        self.assertIn("Owed (incl. tax)", result["views"]["form"]["arch"])
        # the subscriptions listed on the card show their monthly amount, tax excluded
        listed = result["models"]["subscription.subscription"]["fields"]
        self.assertEqual(listed["recurring_monthly"]["string"], "Monthly (excl. tax)")
