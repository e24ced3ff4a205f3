from datetime import date

from odoo.tests import new_test_user

from .common import SubscriptionBillingCommon

DAY = date(2025, 1, 1)


class TestSubscriptionViews(SubscriptionBillingCommon):
    def test_a_tariff_shows_its_subscriptions(self):
        quarterly = self.tariffs["advance"]["quarter"]
        both = self._subscribe([self.monthly, quarterly], DAY)
        only_monthly = self._subscribe([self.monthly], DAY, partner=self.partner_b)
        draft = self._subscribe([self.monthly], DAY, partner=self.partner_b, activate=False)
        self.env.invalidate_all()  # as the tariff's form is opened: a new request
        self.assertEqual(self.monthly.subscription_count, 3)
        self.assertEqual(quarterly.subscription_count, 1)
        action = self.monthly.action_view_subscriptions()
        shown = self.env["subscription.subscription"].search(action["domain"])
        self.assertEqual(shown, both | only_monthly | draft)
        # a line's tariff changed: the subscription moves to the other tariff's button
        only_monthly.line_ids.tariff_id = quarterly
        self.env.invalidate_all()
        self.assertEqual((self.monthly.subscription_count, quarterly.subscription_count), (2, 2))

    def test_subscriptions_have_kanban_pivot_graph_and_activity_views(self):
        self._subscribe([self.monthly], DAY)
        user = new_test_user(
            self.env,
            login="sub_views_user",
            groups="base.group_user,subscription_billing.group_subscription_billing_user",
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("subscription_billing.action_subscription")
        self.assertEqual(action["view_mode"].split(","), ["list", "kanban", "form", "pivot", "graph", "activity"])
        views = (
            self.env["subscription.subscription"]
            .with_user(user)
            .get_views([(False, mode) for mode in ("kanban", "pivot", "graph", "activity")])
        )
        self.assertEqual(set(views["views"]), {"kanban", "pivot", "graph", "activity"})
        # the pivot's MRR by tariff, as a manager reads it: 31.00 a month on the monthly tariff
        groups = dict(
            self.env["subscription.subscription"]
            .with_user(user)
            ._read_group([("state", "=", "active")], ["tariff_ids"], ["recurring_monthly:sum"])
        )
        self.assertEqual(groups[self.monthly], 31.0)
