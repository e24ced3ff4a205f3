import base64
import json
from datetime import date

from odoo.addons.subscription_billing.tests.common import SubscriptionBillingCommon
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSubscriptionsDashboard(SubscriptionBillingCommon):
    def _pivots(self):
        dashboard = self.env.ref("subscription_billing_dashboard.spreadsheet_dashboard_subscription_billing")
        self.assertIn(self.env.ref("subscription_billing.group_subscription_billing_manager"), dashboard.group_ids)
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))["pivots"]

    def _read(self, env, definition, domain=()):
        measures = [
            f"{m['fieldName']}:{m['aggregator']}" for m in definition["measures"] if m["fieldName"] != "__count"
        ]
        rows = [
            f"{row['fieldName']}:{row['granularity']}" if row.get("granularity") else row["fieldName"]
            for row in definition["rows"]
        ]
        return env[definition["model"]].read_group(
            [*definition["domain"], *domain], ["__count", *measures], rows, lazy=False
        )

    def test_every_pivot_reads_and_subscribers_are_counted_per_tariff(self):
        manager = new_test_user(
            self.env,
            login="subs_dash_manager",
            groups="base.group_user,account.group_account_invoice,"
            "subscription_billing.group_subscription_billing_manager",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        quarterly = self.tariffs["advance"]["quarter"]
        self._subscribe([self.monthly, quarterly], date(2025, 1, 1))
        self._subscribe([self.monthly], date(2025, 1, 1), partner=self.partner_b)
        self.env.flush_all()  # as at the end of the request that created them; the reports read SQL views
        pivots = self._pivots()
        for definition in pivots.values():
            self._read(manager.env, definition)  # every model, field and aggregate exists and is readable
        by_tariff = {
            group["tariff_ids"][0]: group["__count"]
            for group in self._read(manager.env, pivots["2"], [("company_id", "=", self.env.company.id)])
            if group["tariff_ids"]
        }
        groups = self._read(manager.env, pivots["2"], [("company_id", "=", self.env.company.id)])
        self.assertEqual((by_tariff.get(self.monthly.id), by_tariff.get(quarterly.id)), (2, 1), groups)
        # this month's closing MRR on the dashboard is the subscriptions list's total MRR
        subs = self.env["subscription.subscription"].search(
            [("company_id", "=", self.env.company.id), ("state", "in", ("active", "suspended"))]
        )
        months = self._read(manager.env, pivots["1"], [("company_id", "=", self.env.company.id)])
        current = months[0]  # latest month first
        self.assertAlmostEqual(current["mrr"], sum(subs.mapped("recurring_monthly")))
        self.assertAlmostEqual(current["mrr"], 31.0 + 30.0 + 31.0)
