import io

import openpyxl

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestSupportTime(TelephonyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hotline = cls.env["telephony.support.service"].create(
            {"name": "Hotline", "rounding_mode": "up", "rounding_step": 15, "free_seconds": 30, "low_hours": 1.0}
        )
        cls.package = cls.env["telephony.support.package"].create(
            {
                "name": "10 h hotline 2026",
                "partner_id": cls.customer.id,
                "service_id": cls.hotline.id,
                "hours_bought": 2.0,
                "date_start": "2026-01-01",
                "user_id": cls.manager.id,
            }
        )

    def answered_call(self, call_id, talk_seconds, caller="0171 5550101"):
        self.event("ringing", 0, call_id, direction="inbound", extension="101", **{"from": caller})
        self.event("answered", 5, call_id, extension="101")
        return self.event("hangup", 5 + talk_seconds, call_id)

    def test_answered_call_consumes_rounded_talk_time(self):
        call = self.answered_call("s1", 430)  # 7 min 10 s from the customer's employee
        self.assertEqual(call.partner_id, self.contact)
        self.assertEqual(call.support_minutes, 15.0)
        self.assertEqual(self.package.hours_used, 0.25)
        self.assertEqual(self.package.hours_remaining, 1.75)
        self.assertEqual(self.contact._telephony_caller_summary()["details"], ["Hotline: 1.75 h left"])
        self.event("hangup", 435, "s1")  # duplicate delivery
        self.assertEqual(self.package.hours_used, 0.25, "a call is charged once")

    def test_missed_and_short_calls_consume_nothing(self):
        self.event("ringing", 0, "s2", direction="inbound", **{"from": "030 1234567"})
        self.event("hangup", 20, "s2")
        self.answered_call("s3", 25)
        self.assertEqual(self.package.hours_used, 0.0)

    def test_low_remaining_time_warns_the_responsible_once(self):
        self.answered_call("s4", 50 * 60)  # 50 min -> 60 min charged, 1 h left: not below 1 h
        self.assertFalse(self.package.activity_ids)
        self.answered_call("s5", 10 * 60)
        self.assertAlmostEqual(self.package.hours_remaining, 0.75)
        activity = self.package.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("0.75 hours of Hotline left", activity.note)
        self.answered_call("s6", 10 * 60)
        self.assertEqual(len(self.package.activity_ids), 1, "no second task for the same package")
        self.package.hours_bought = 10
        self.assertFalse(self.package.low_warning_sent)

    def test_bad_packages_are_refused(self):
        values = {"partner_id": self.customer.id, "service_id": self.hotline.id, "date_start": "2026-01-01"}
        Package = self.env["telephony.support.package"]
        with self.assertRaisesRegex(ValidationError, "must contain some hours"):
            Package.create(dict(values, hours_bought=0))
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            Package.create(dict(values, hours_bought=5, date_end="2025-12-31"))

    def test_excel_report_of_remaining_time(self):
        self.answered_call("s7", 430)
        action = self.package.action_export_xlsx()
        self.assertEqual((action["report_type"], action["context"]["active_ids"]), ("xlsx", self.package.ids))
        content, _kind = self.env["ir.actions.report"]._render_xlsx(action["report_name"], self.package.ids, {})
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual([cell.value for cell in sheet[1]][3:6], ["Hours Bought", "Hours Used", "Hours Remaining"])
        # 2 hours bought, a 7 min 10 s call charged as a quarter hour: 0.25 used, 1.75 left.
        self.assertEqual(
            [cell.value for cell in sheet[2]][:2] + [cell.value for cell in sheet[2]][3:6],
            ["Bäckerei Schulz", "Hotline", 2.0, 0.25, 1.75],
        )
        self.assertEqual(
            [cell.value for cell in sheet[3]][:1] + [cell.value for cell in sheet[3]][3:6], ["Total", 2.0, 0.25, 1.75]
        )

    def test_remaining_time_per_customer_and_service(self):
        self.answered_call("s8", 430)
        groups = self.env["telephony.support.package"]._read_group(
            [("partner_id", "=", self.customer.id)], ["partner_id", "service_id"], ["hours_remaining:sum"]
        )
        self.assertIn((self.customer, self.hotline, 1.75), groups)
