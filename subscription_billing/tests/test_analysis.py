import io
from datetime import date

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common import SubscriptionBillingCommon


@tagged("post_install", "-at_install")
class TestAnalysis(SubscriptionBillingCommon):
    def test_mrr_movements_by_month(self):
        start = date.today().replace(day=1)
        two_ago = start - relativedelta(months=2)
        last = start - relativedelta(months=1)
        sub = self._subscribe([self.monthly], two_ago, customer_group_id=self.group_home.id)
        churned = self._subscribe([self.monthly], two_ago, partner=self.partner_b)
        churned.line_ids.date_end = last.replace(day=10)
        churned.date_end = last.replace(day=10)
        # the customer upgrades the quantity this month
        sub.line_ids.date_end = start - relativedelta(days=1)
        sub.line_ids.copy({"subscription_id": sub.id, "date_start": start, "date_end": False, "quantity": 2})
        self.env.flush_all()
        report = self.env["subscription.mrr.report"]
        rows = report.search([("subscription_id", "in", (sub + churned).ids)])
        by_key = {(row.subscription_id, row.month): row for row in rows}
        first = by_key[(sub, two_ago)]
        self.assertAlmostEqual(first.mrr, 31.0)
        self.assertAlmostEqual(first.mrr_new, 31.0)
        self.assertEqual(first.customer_group_id, self.group_home)
        self.assertAlmostEqual(by_key[(sub, start)].mrr, 62.0)
        self.assertAlmostEqual(by_key[(sub, start)].mrr_expansion, 31.0)
        self.assertAlmostEqual(by_key[(churned, start)].mrr_churn, -31.0)
        groups = report.read_group(
            [("subscription_id", "in", (sub + churned).ids), ("month", "=", start)], ["mrr:sum", "mrr_churn:sum"], []
        )
        self.assertAlmostEqual(groups[0]["mrr"], 62.0)
        self.assertAlmostEqual(groups[0]["mrr_churn"], -31.0)

    def test_subscriber_list_excel_report(self):
        """The report_xlsx subscriber list: header, one subscriber's figures, a formula-like name kept as text."""
        self.partner_a.name = '=HYPERLINK("http://x","y")'
        sub = self._subscribe([self.monthly], date(2025, 1, 1), customer_group_id=self.group_business.id)
        self._bill(date(2025, 1, 1))
        content, kind = self.env["ir.actions.report"]._render_xlsx(
            "subscription_billing.action_report_subscriber_xlsx", sub.ids, {}
        )
        self.assertEqual(kind, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(
            [cell.value for cell in sheet[1]],
            [
                "Contract Number",
                "Customer",
                "Customer Group",
                "Status",
                "Tariffs",
                "Monthly Recurring Revenue",
                "Balance Owed",
                "Next Invoice",
                "Responsible",
            ],
        )
        row = sheet[2]
        self.assertEqual(
            [cell.value for cell in row[:5]], [sub.name, self.partner_a.name, "Business", "Active", "month advance"]
        )
        # January billed in advance: 31 days at 1.00, plus the 15% sales tax, nothing paid yet.
        self.assertAlmostEqual(row[5].value, 31.0)
        self.assertAlmostEqual(row[6].value, 35.65)
        self.assertEqual(row[7].value.date(), date(2025, 2, 1))
        self.assertEqual(row[1].data_type, "s", "a customer name is never turned into a formula")
        self.assertEqual(row[1].value, '=HYPERLINK("http://x","y")')
