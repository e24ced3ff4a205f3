from odoo import http
from odoo.tests import tagged

from .common import PortalSubscriptionCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalSubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub_a = cls._portal_subscription(cls.firm_a, suspended=True)
        cls.sub_b = cls._portal_subscription(cls.user_b.partner_id)

    def test_customer_sees_own_and_company_subscriptions_only(self):
        subs = self.env["subscription.subscription"]
        self.assertEqual(subs.with_user(self.user_a).search([]), self.sub_a)
        self.assertEqual(subs.with_user(self.user_c).search([]), self.sub_a, "a colleague sees the company's")
        self.assertEqual(subs.with_user(self.user_b).search([]), self.sub_b)

    def test_list_page_lists_own_subscriptions(self):
        self.authenticate("boris", "boris")
        page = self.url_open("/my/subscriptions")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.sub_b.name, page.text)
        self.assertNotIn(self.sub_a.name, page.text)

    def test_other_customers_url_redirects_to_my(self):
        self.authenticate("boris", "boris")
        page = self.url_open(f"/my/subscriptions/{self.sub_a.id}", allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))
        # nor with a made-up token
        page = self.url_open(f"/my/subscriptions/{self.sub_a.id}?access_token=guess", allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.authenticate("ada", "ada")
        page = self.url_open(f"/my/subscriptions/{self.sub_b.id}", allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        page = self.url_open(
            f"/my/subscriptions/{self.sub_b.id}/payment_method",
            data={"csrf_token": http.Request.csrf_token(self), "token_id": ""},
            allow_redirects=False,
        )
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))
        self.assertFalse(self.sub_b.payment_token_id)

    def test_subscription_page_shows_contract_debt_and_suspension(self):
        line = self.sub_a.line_ids
        change = self.env["subscription.price.change"].create(
            {"line_id": line.id, "date_effective": "2099-01-01", "price_old": 31.0, "price_new": 35.5}
        )
        self.authenticate("cleo", "cleo")
        page = self.url_open(f"/my/subscriptions/{self.sub_a.id}")
        self.assertEqual(page.status_code, 200)
        text = page.text
        invoice = self._invoices(self.sub_a)
        self.assertEqual(invoice.amount_residual, 31.0)
        for expected in (self.sub_a.name, line.name, "Suspended", "o_subscription_pay_overdue", invoice.name, "35.50"):
            self.assertIn(expected, text)
        self.assertIn("31.00", text)  # the balance owed and the tariff's price
        self.assertIn(invoice._get_share_url(redirect=False).split("?")[0], text, "the invoice's own portal page")
        self.assertTrue(change)

    def test_access_token_link_works_without_login(self):
        url = self.sub_b._get_share_url(redirect=False)
        self.assertIn("access_token=", url)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.sub_b.name, page.text)
        self.assertNotIn("/payment_method", page.text, "saving a card needs a login")
