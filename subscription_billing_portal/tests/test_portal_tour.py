from odoo.tests import HttpCase, tagged

from .common import payment_demo_installed


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    def test_subscriber_pays_suspended_subscription(self):
        """The demo subscriber pays the overdue invoice of their suspended subscription with the demo provider."""
        if not payment_demo_installed(self.env):
            self.skipTest("payment_demo is not installed: install it with this addon to run the tour")
        sub = self.env.ref("subscription_billing_portal.subscription_portal")
        self.assertEqual(sub.state, "suspended")
        self.start_tour("/my/subscriptions", "subscription_billing_portal_pay_suspended", login="subscriber")
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.amount_overdue)
