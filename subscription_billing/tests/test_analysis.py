import base64
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

    def test_subscriber_list_excel_export(self):
        sub = self._subscribe([self.monthly], date(2025, 1, 1), customer_group_id=self.group_business.id)
        self._bill(date(2025, 1, 1))
        action = sub.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        header = [cell.value for cell in sheet[1]]
        row = [cell.value for cell in sheet[2]]
        self.assertEqual(header[:3], ["Contract Number", "Customer", "Customer Group"])
        self.assertEqual(row[0], sub.name)
        self.assertEqual(row[2], "Business")
        self.assertEqual(row[4], "month advance")
        self.assertAlmostEqual(row[5], 31.0)
        self.assertAlmostEqual(row[6], self.partner_a.subscription_balance)
        self.assertEqual(row[7].date(), date(2025, 2, 1))
