from datetime import timedelta

from odoo import http
from odoo.tests import tagged

from .common import PortalSubscriptionCommon


@tagged("post_install", "-at_install")
class TestPortalPromise(PortalSubscriptionCommon):
    """A customer asks for a promised payment on their subscription's portal page.

    The company's suspension policy lets a promise postpone suspension by 5 days, once a month
    (the limits ``subscription.payment.promise`` applies to staff promises too). Boris's active
    subscription owes 31.00.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["subscription.suspension.policy"].search([("company_id", "=", cls.company.id)]).active = False
        cls.env["subscription.suspension.policy"].create(
            {"name": "Suspend after 3 days", "company_id": cls.company.id, "overdue_days": 3, "promise_days": 5}
        )
        cls.sub_a = cls._portal_subscription(cls.firm_a, suspended=True)
        cls.sub_b = cls._portal_subscription(cls.user_b.partner_id)

    def _promise(self, sub, date_until, amount):
        return self.url_open(
            f"/my/subscriptions/{sub.id}/promise",
            data={"csrf_token": http.Request.csrf_token(self), "date_until": date_until, "amount": amount},
        )

    def _promises(self, sub):
        return self.env["subscription.payment.promise"].search([("subscription_id", "=", sub.id)])

    def test_customer_promises_within_the_policy(self):
        self.assertEqual(self.sub_b.amount_due, 31.0)
        self.authenticate("boris", "boris")
        page = self.url_open(f"/my/subscriptions/{self.sub_b.id}")
        self.assertIn("o_subscription_promise_submit", page.text, "the form is offered")
        until = self.today + timedelta(days=5)
        page = self._promise(self.sub_b, until.isoformat(), "20.50")
        self.assertEqual(page.status_code, 200)
        self.assertIn("your promised payment is recorded", page.text)
        promise = self._promises(self.sub_b)
        self.assertEqual((promise.date, promise.date_until, promise.amount), (self.today, until, 20.5))
        self.assertTrue(promise.from_portal)
        self.assertIn("20.50", page.text)
        self.assertIn("o_subscription_promise_line", page.text, "the promise shows on the page")
        self.assertNotIn("o_subscription_promise_submit", page.text, "no second form while it runs")
        self.assertIn("promised to pay", self.sub_b.message_ids[0].body)
        self.assertEqual(self.sub_b.message_ids[0].author_id, self.user_b.partner_id)
        # the promise postpones suspension like a staff promise: 3 days overdue does not suspend until then
        policy = self.env["subscription.suspension.policy"].search([("company_id", "=", self.company.id)])
        self.assertNotIn(self.sub_b, policy._overdue_subscriptions(until))
        self.assertIn(self.sub_b, policy._overdue_subscriptions(until + timedelta(days=1)))

    def test_refused_promises_say_why_and_write_nothing(self):
        self.authenticate("boris", "boris")
        too_late = (self.today + timedelta(days=6)).isoformat()
        page = self._promise(self.sub_b, too_late, "31")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_subscription_promise_error", page.text)
        self.assertIn("the policy postpones suspension by that much at most", page.text)
        page = self._promise(self.sub_b, (self.today - timedelta(days=1)).isoformat(), "31")
        self.assertIn("the policy postpones suspension by that much at most", page.text, "not in the past")
        page = self._promise(self.sub_b, self.today.isoformat(), "31.01")
        self.assertIn("at most the balance owed", page.text)
        page = self._promise(self.sub_b, self.today.isoformat(), "0")
        self.assertIn("more than zero", page.text)
        page = self._promise(self.sub_b, "next week", "10")
        self.assertIn("Enter the date as a date", page.text)
        self.assertFalse(self._promises(self.sub_b))
        # once a month: the promise model's own rule refuses the second one
        self._promise(self.sub_b, self.today.isoformat(), "31")
        self.assertEqual(len(self._promises(self.sub_b)), 1)
        page = self._promise(self.sub_b, (self.today + timedelta(days=2)).isoformat(), "31")
        self.assertIn("already has a promised payment this month", page.text)
        self.assertEqual(len(self._promises(self.sub_b)), 1)

    def test_suspended_subscription_needs_a_payment_not_a_promise(self):
        self.authenticate("cleo", "cleo")
        page = self._promise(self.sub_a, self.today.isoformat(), "31")
        self.assertIn("starts again when what is overdue is paid", page.text)
        self.assertFalse(self._promises(self.sub_a))

    def test_refusal_is_translated(self):
        self.env["res.lang"]._activate_lang("uk_UA")
        self.env["ir.module.module"].search([("name", "=", "subscription_billing_portal")])._update_translations(
            ["uk_UA"]
        )
        self.user_b.lang = "uk_UA"
        self.authenticate("boris", "boris")
        page = self._promise(self.sub_b, self.today.isoformat(), "99")
        self.assertIn("o_subscription_promise_error", page.text)
        error = page.text.split("o_subscription_promise_error")[1].split("</div>")[0]
        self.assertIn("Обіцяна сума має бути більшою за нуль і не більшою за заборгованість", error)
        self.assertIn("31,00", error, "the balance in the customer's number format")

    def test_nobody_promises_on_another_customers_subscription(self):
        self.authenticate("ada", "ada")
        page = self.url_open(
            f"/my/subscriptions/{self.sub_b.id}/promise",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "date_until": self.today.isoformat(),
                "amount": "31",
                "access_token": self.sub_b._portal_ensure_token(),
            },
            allow_redirects=False,
        )
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))
        self.assertFalse(self._promises(self.sub_b))
        # nor through the ORM: the record rules keep Ada to her company's subscriptions
        promise = self.env["subscription.payment.promise"].create(
            {"subscription_id": self.sub_b.id, "date": self.today, "note": "staff"}
        )
        promises = self.env["subscription.payment.promise"].with_user(self.user_a)
        self.assertFalse(promises.search([]))
        self.assertEqual(promises.with_user(self.user_b).search([]), promise)
