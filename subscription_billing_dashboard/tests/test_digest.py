from datetime import date, datetime

from odoo.addons.subscription_billing.tests.common import SubscriptionBillingCommon
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSubscriptionDigest(SubscriptionBillingCommon):
    """The finance digest's subscription KPIs, computed by hand:

    - MRR: a monthly tariff (31.00) and a 30-day tariff (30.00 per 30 days, a month being
      365.25 / 12 = 30.4375 days: 30.44 a month) on active subscriptions; a draft one does
      not count: 61.44
    - collected in November 2026: 100.00 on the 10th; 50.00 on 1 December is outside: 100.00
    """

    def _pay(self, partner, amount, day):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": day,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def test_mrr_and_collected_in_the_digest(self):
        self._subscribe([self.monthly], date(2025, 1, 1))
        self._subscribe([self.tariffs["advance"]["days"]], date(2025, 1, 1), partner=self.partner_b)
        self._subscribe([self.monthly], date(2025, 1, 1), partner=self.partner_b, activate=False)
        self._pay(self.partner_a, 100.0, date(2026, 11, 10))
        self._pay(self.partner_b, 50.0, date(2026, 12, 1))
        digest = self.env["digest.digest"].create(
            {"name": "Finance", "company_id": self.env.company.id, "kpi_subscription_mrr": True}
        )
        digest = digest.with_context(
            start_datetime=datetime(2026, 11, 1), end_datetime=datetime(2026, 11, 30, 23, 59, 59)
        )
        digest.invalidate_recordset()
        subs = self.env["subscription.subscription"].search(
            [("company_id", "=", self.env.company.id), ("state", "in", ("active", "suspended"))]
        )
        self.assertAlmostEqual(digest.kpi_subscription_mrr_value, sum(subs.mapped("recurring_monthly")))
        self.assertAlmostEqual(digest.kpi_subscription_mrr_value, 61.44)
        self.assertAlmostEqual(digest.kpi_subscription_collected_value, 100.0)
        self.assertIn("kpi_subscription_mrr", digest._compute_kpis_actions(self.env.company, self.env.user))

    def test_a_user_without_subscription_rights_gets_no_subscription_kpi(self):
        outsider = new_test_user(self.env, login="digest_outsider", groups="base.group_user")
        digest = self.env["digest.digest"].create({"name": "Finance", "company_id": self.env.company.id})
        with self.assertRaises(AccessError):
            digest.with_user(outsider)._compute_kpi_subscription_mrr_value()
