from datetime import date

from odoo.tests import new_test_user

from .common import SubscriptionBillingCommon

DAY = date(2025, 1, 1)


class TestBillingPreview(SubscriptionBillingCommon):
    """What a run on 1 January 2025 would invoice, computed by hand from the fixtures:

    - partner A, monthly (31.00 / month, in advance), 10 % discount: January 31.00 x 0.9 = 27.90
    - partner B, monthly x 2 (62.00) and quarterly (90.00 for Q1): 152.00
    - partner B, a draft subscription: nothing
    Per tariff: monthly 27.90 + 62.00 = 89.90, quarterly 90.00; in all 179.90 (tax excluded).
    """

    def setUp(self):
        super().setUp()
        self.quarterly = self.tariffs["advance"]["quarter"]
        self.sub_a = self._subscribe([{"tariff_id": self.monthly.id, "discount": 10.0}], DAY)
        self.sub_b = self._subscribe(
            [{"tariff_id": self.monthly.id, "quantity": 2}, {"tariff_id": self.quarterly.id}],
            DAY,
            partner=self.partner_b,
        )
        self.draft = self._subscribe([self.monthly], DAY, partner=self.partner_b, activate=False)

    def _preview(self, user=None):
        wizard = self.env["subscription.billing.preview"].with_user(user or self.env.user).create({"date": DAY})
        wizard.action_compute()
        return wizard

    def test_preview_shows_per_subscription_and_per_tariff_without_invoicing(self):
        moves_before = self.env["account.move"].search_count([])
        wizard = self._preview()
        self.assertEqual(
            sorted(
                (line.subscription_id, line.tariff_id, line.date_from, line.date_to, line.amount)
                for line in wizard.line_ids
            ),
            sorted(
                [
                    (self.sub_a, self.monthly, date(2025, 1, 1), date(2025, 1, 31), 27.90),
                    (self.sub_b, self.monthly, date(2025, 1, 1), date(2025, 1, 31), 62.00),
                    (self.sub_b, self.quarterly, date(2025, 1, 1), date(2025, 3, 31), 90.00),
                ]
            ),
        )
        self.assertEqual((wizard.subscription_count, wizard.amount_total), (2, 179.90))
        per_tariff = dict(
            self.env["subscription.billing.preview.line"]._read_group(
                [("preview_id", "=", wizard.id)], ["tariff_id"], ["amount:sum"]
            )
        )
        self.assertEqual(per_tariff, {self.monthly: 89.90, self.quarterly: 90.00})
        self.assertIn("89.90", wizard.summary_html)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before, "a preview invoices nothing")
        self.assertFalse(self.sub_a.line_ids.billed_until, "nor marks a period billed")

    def test_the_run_then_invoices_what_the_preview_said(self):
        wizard = self._preview()
        self._bill(DAY)
        invoices = self._invoices(self.sub_a) | self._invoices(self.sub_b)
        self.assertEqual(sum(invoices.mapped("amount_untaxed")), wizard.amount_total)
        self.assertEqual(self._invoices(self.sub_a).amount_untaxed, 27.90)

    def test_a_billing_user_may_preview(self):
        user = new_test_user(
            self.env,
            login="bill_user_preview",
            groups="base.group_user,subscription_billing.group_subscription_billing_user",
        )
        wizard = self._preview(user)
        self.assertEqual(wizard.amount_total, 179.90)
