import io
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import SubscriptionBillingCommon, bill_through_jobs


@tagged("post_install", "-at_install")
class TestCollectionsReports(SubscriptionBillingCommon):
    """Debtors aging (pivot source and Excel) and the finance team's daily digest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["res.partner"])
        cls.today = today
        cls.term_15 = cls.env.ref("account.account_payment_term_15days")
        cls.late = cls.env["res.partner"].create({"name": "Aging Late"})
        cls.fresh = cls.env["res.partner"].create({"name": "Aging Fresh"})
        # Late's invoice was made 60 days ago (45 days overdue); Fresh's today (not due).
        # Fresh first: a run "today" would also catch up Late's later periods.
        for partner, start in ((cls.fresh, today), (cls.late, today - timedelta(days=60))):
            sub = cls.env["subscription.subscription"].create(
                {
                    "partner_id": partner.id,
                    "date_start": start,
                    "payment_term_id": cls.term_15.id,
                    "customer_group_id": cls.group_home.id,
                    "line_ids": [(0, 0, {"tariff_id": cls.monthly.id, "date_end": start + timedelta(days=20)})],
                }
            )
            sub.action_activate()
            bill_through_jobs(cls.env, start)
        cls.aging = cls.env["subscription.debtor.aging"]

    def test_aging_buckets_per_customer(self):
        self.env.flush_all()
        late = self.aging.search([("partner_id", "=", self.late.id)])
        fresh = self.aging.search([("partner_id", "=", self.fresh.id)])
        self.assertEqual((late.days_overdue, late.bucket), (45, "2_60"))
        self.assertEqual((fresh.days_overdue, fresh.bucket), (0, "0_not_due"))
        self.assertEqual(late.customer_group_id, self.group_home)
        self.assertEqual(late.tariff_id, self.monthly)
        self.assertEqual(late.amount_residual, late.move_id.amount_residual)

    def test_aging_excel_has_a_row_per_customer_and_bucket_columns(self):
        self.env.flush_all()
        action = self.aging.action_export_xlsx()
        self.assertEqual((action["type"], action["report_type"]), ("ir.actions.report", "xlsx"))
        report = self.env["ir.actions.report"]._get_report_from_name(action["report_name"])
        content, _kind = report._render_xlsx(report.id, action["context"]["active_ids"], action["data"])
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
        self.assertEqual(
            rows["Customer"], ("Customer", "Not due", "1-30 days", "31-60 days", "61-90 days", "Over 90 days", "Total")
        )
        late_due = self.aging.search([("partner_id", "=", self.late.id)]).amount_residual
        self.assertEqual(rows["Aging Late"], ("Aging Late", 0, 0, late_due, 0, 0, late_due))

    def test_digest_tells_the_finance_team(self):
        finance = self.env["res.partner"].create({"name": "Finance", "email": "finance@example.com"})
        default = self.env.ref("subscription_billing.dunning_policy_default").sudo()
        policy = default.copy({"company_id": self.env.company.id, "sequence": 0}).sudo(False)
        policy.digest_partner_ids = finance
        self.env["subscription.suspension.policy"].create({"name": "Suspend", "overdue_days": 30})
        with freeze_time(self.today):
            self.env["subscription.suspension.policy"]._cron_suspend_overdue(today=self.today)
            mails = self.env["subscription.dunning.policy"]._cron_send_digest(today=self.today)
        mail = mails.filtered(lambda m: m.recipient_ids == finance)
        self.assertEqual(len(mail), 1)
        self.assertIn("New suspensions: 1", mail.body_html)
        late_sub = self.env["subscription.subscription"].search([("partner_id", "=", self.late.id)])
        self.assertIn(late_sub.name, mail.body_html)
        self.assertIn("31-60 days", mail.body_html)
