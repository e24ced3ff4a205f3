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
                "Monthly Recurring Revenue (excl. tax)",
                "Balance Owed (incl. tax)",
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

    def test_mrr_bridge_levels_and_ratios_over_three_months(self):
        """Opening + movements = closing each month, per tariff and group; levels never added over months.

        Monthly tariff 31.00 a month (MRR 31.00 per unit), quarterly 90.00 (MRR 30.00).

        ============  =====================  =======  =======  =======
        subscription  what happens           January  February  March
        ============  =====================  =======  =======  =======
        S1 A Home     1 unit, 2 from Feb     31 new   62 (+31 expansion)  62
        S2 B Business 2 units, 1 from Mar    62 new   62       31 (-31 contraction)
        S3 C Home     ends 31 Jan, resumes   31 new   0 (-31 churn)  31 reactivation
        S4 A Business quarterly from Feb     -        30 new   30
        S5 D Home     from 15 March          -        -        31 new
        ============  =====================  =======  =======  =======

        January:  opening 0   + new 124                                         = closing 124
        February: opening 124 + new 30 + expansion 31 - churn 31                = closing 154
        March:    opening 154 + new 31 + reactivation 31 - contraction 31       = closing 185
        ARR = 12 x closing: 1488, 1848, 2220. Customers with MRR: 3 (A B C), 2 (A B), 4 (A B C D).
        ARPU = closing / customers: 41.33, 77.00, 46.25.
        NRR = closing MRR of the customers with opening MRR / opening MRR:
          February: A 62 + 30, B 62, C 0 = 154 / 124 = 124.19 %;
          March: A 62 + 30, B 31 (C had no opening MRR, D is new) = 123 / 154 = 79.87 %.
        March per customer group: Home 62 + new 31 + reactivation 31 = 124,
        Business 92 - contraction 31 = 61; per tariff: monthly 124 + 31 + 31 - 31 = 155, quarterly 30.
        Over the three months the flows add up to new 185, expansion 31, reactivation 31,
        contraction -31, churn -31 (= 185 closing in March - 0 opening in January); the
        levels (opening, closing, ARR, customers) have no total.
        """
        jan, feb, mar = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
        partner_c = self.env["res.partner"].create({"name": "Customer C"})
        partner_d = self.env["res.partner"].create({"name": "Customer D"})
        monthly, quarterly = self.monthly.id, self.tariffs["advance"]["quarter"].id
        home, business = self.group_home.id, self.group_business.id
        subs = self._subscribe(
            [
                {"tariff_id": monthly, "date_start": jan, "date_end": date(2025, 1, 31)},
                {"tariff_id": monthly, "date_start": feb, "quantity": 2},
            ],
            jan,
            customer_group_id=home,
        )
        subs |= self._subscribe(
            [
                {"tariff_id": monthly, "date_start": jan, "date_end": date(2025, 2, 28), "quantity": 2},
                {"tariff_id": monthly, "date_start": mar},
            ],
            jan,
            partner=self.partner_b,
            customer_group_id=business,
        )
        subs |= self._subscribe(
            [
                {"tariff_id": monthly, "date_start": jan, "date_end": date(2025, 1, 31)},
                {"tariff_id": monthly, "date_start": mar},
            ],
            jan,
            partner=partner_c,
            customer_group_id=home,
        )
        subs |= self._subscribe([{"tariff_id": quarterly, "date_start": feb}], feb, customer_group_id=business)
        subs |= self._subscribe([{"tariff_id": monthly, "date_start": date(2025, 3, 15)}], mar, partner=partner_d)
        subs[-1].customer_group_id = home
        self.env.flush_all()

        report = self.env["subscription.mrr.report"]
        domain = [("subscription_id", "in", subs.ids), ("month", "<=", mar)]
        # The pivot's total over the three months adds no closing MRR (not 124 + 154 + 185).
        [total] = report.read_group(domain, ["mrr", "mrr_previous", "mrr_new"], [])
        self.assertEqual((total["mrr"], total["mrr_previous"], round(total["mrr_new"], 2)), (False, False, 185.0))
        flows = ["mrr_new", "mrr_expansion", "mrr_reactivation", "mrr_contraction", "mrr_churn"]
        levels = ["mrr_previous", "mrr", "arr", "customer_count"]
        measures = [*levels, *flows]
        expected = {
            # month: (opening, new, expansion, reactivation, contraction, churn, closing, ARR, customers)
            jan: (0.0, 124.0, 0.0, 0.0, 0.0, 0.0, 124.0, 1488.0, 3),
            feb: (124.0, 30.0, 31.0, 0.0, 0.0, -31.0, 154.0, 1848.0, 2),
            mar: (154.0, 31.0, 0.0, 31.0, -31.0, 0.0, 185.0, 2220.0, 4),
        }
        by_month = report.read_group(domain, measures, ["month:month"], orderby="month")
        self.assertEqual(len(by_month), 3)
        for group, (month, figures) in zip(by_month, expected.items(), strict=True):
            got = tuple(group[name] for name in ["mrr_previous", *flows, "mrr", "arr", "customer_count"])
            self.assertEqual(tuple(round(value, 2) for value in got), figures, month)
            self.assertAlmostEqual(group["mrr_previous"] + sum(group[name] for name in flows), group["mrr"], msg=month)

        # March per customer group and per tariff: the identity holds in each.
        march = [*domain, ("month", "=", mar)]
        per_group = {
            group["customer_group_id"][1]: group for group in report.read_group(march, measures, ["customer_group_id"])
        }
        per_tariff = {group["tariff_id"][0]: group for group in report.read_group(march, measures, ["tariff_id"])}
        for group, (opening, closing) in [
            (per_group["Home"], (62.0, 124.0)),
            (per_group["Business"], (92.0, 61.0)),
            (per_tariff[monthly], (124.0, 155.0)),
            (per_tariff[quarterly], (30.0, 30.0)),
        ]:
            self.assertAlmostEqual(group["mrr_previous"], opening)
            self.assertAlmostEqual(group["mrr"], closing)
            self.assertAlmostEqual(group["mrr_previous"] + sum(group[name] for name in flows), closing)
        self.assertAlmostEqual(per_group["Home"]["mrr_reactivation"], 31.0)
        self.assertAlmostEqual(per_group["Business"]["mrr_contraction"], -31.0)

        # The pivot's total over the three months: flows add up, levels are not added.
        [total] = report.read_group(domain, measures, [])
        self.assertEqual([total[name] for name in levels], [False] * 4)
        self.assertEqual([round(total[name], 2) for name in flows], [185.0, 31.0, 31.0, -31.0, -31.0])
        per_quarter = report.read_group(domain, measures, ["month:quarter"])
        self.assertEqual([group["mrr"] for group in per_quarter], [False])

        # One line per month beside it: ARR, customers, ARPU and net revenue retention.
        summary = self.env["subscription.mrr.summary"].search(
            [("company_id", "=", self.env.company.id), ("month", "<=", mar)], order="month"
        )
        self.assertEqual(summary.mapped("month"), [jan, feb, mar])
        self.assertEqual([round(line.mrr_closing, 2) for line in summary], [124.0, 154.0, 185.0])
        self.assertEqual([round(line.arr, 2) for line in summary], [1488.0, 1848.0, 2220.0])
        self.assertEqual(summary.mapped("customer_count"), [3, 2, 4])
        self.assertEqual([round(line.arpu, 2) for line in summary], [41.33, 77.0, 46.25])
        self.assertEqual([round(line.nrr, 2) for line in summary], [0.0, 124.19, 79.87])
        [summary_total] = summary.read_group([("id", "in", summary.ids)], ["mrr_closing", "arr", "mrr_new"], [])
        self.assertEqual((summary_total["mrr_closing"], summary_total["arr"]), (False, False))
        self.assertAlmostEqual(summary_total["mrr_new"], 185.0)
