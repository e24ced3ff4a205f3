from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CertCommon, trap_jobs


@tagged("post_install", "-at_install")
class TestExpiryCron(CertCommon):
    def test_reminders_on_exactly_the_notice_days(self):
        """A license ending 2026-03-31 gets one task 30, 14, 7 and 1 days before, never in between."""
        license_ = self._license(date(2026, 3, 31))
        created_on = {}
        day = date(2026, 2, 25)
        while day <= date(2026, 4, 2):
            with freeze_time(day):
                reminders = self._run_cron()
                if reminders:
                    created_on[day] = reminders.mapped("notice_day")
            day = date.fromordinal(day.toordinal() + 1)
        self.assertEqual(
            created_on,
            {date(2026, 3, 1): [30], date(2026, 3, 17): [14], date(2026, 3, 24): [7], date(2026, 3, 30): [1]},
        )
        activities = self._reminder_activities(license_)
        self.assertEqual(len(activities), 4)
        self.assertEqual(activities.user_id, self.manager_a)
        self.assertIn("license K-1 (General Ledger)", activities[0].summary)
        self.assertIn("2026-03-31", activities[0].summary)

    def test_rerun_same_day_creates_nothing_even_after_done(self):
        license_ = self._license(date(2026, 3, 31))
        with freeze_time("2026-03-01"):
            self.assertEqual(len(self._run_cron()), 1)
            self._reminder_activities(license_).action_feedback(feedback="called the customer")
            self.assertFalse(self._run_cron())
            self.assertFalse(self._reminder_activities(license_))
        with freeze_time("2026-03-05"):
            self.assertFalse(self._run_cron(), "still the 30-day period: no second task")

    def test_missed_days_catch_up_with_current_period(self):
        """Created 20 days before its end, a license gets the 30-day task at once, and nothing more until 14 days."""
        with freeze_time("2026-03-11"):
            license_ = self._license(date(2026, 3, 31))
            reminders = self._run_cron()
            self.assertEqual(reminders.mapped("notice_day"), [30])
            self.assertEqual(license_.state, "expiring")

    def test_product_notice_days_override_company(self):
        license_ = self._license(date(2026, 3, 31), product=self.module_payroll)
        with freeze_time("2026-01-30"):  # 60 days before
            self.assertEqual(self._run_cron().mapped("notice_day"), [60])
        with freeze_time("2026-03-01"):  # 30 days: not a payroll notice day
            self.assertFalse(self._run_cron())
        with freeze_time("2026-03-21"):
            self.assertEqual(self._run_cron().mapped("notice_day"), [10])
        self.assertEqual(len(self._reminder_activities(license_)), 2)

    def test_certificate_reminder_on_set_for_its_manager(self):
        cert_set = self._set(
            manager=self.manager_b,
            certificates=[
                {
                    "owner_name": "Liis Kask",
                    "serial": "QES-1",
                    "valid_from": date(2024, 4, 1),
                    "valid_to": date(2026, 3, 8),
                },
                {
                    "owner_name": "Mart Tamm",
                    "serial": "QES-2",
                    "valid_from": date(2024, 4, 1),
                    "valid_to": date(2027, 1, 1),
                },
            ],
        )
        with freeze_time("2026-03-01"):
            reminders = self._run_cron()
        self.assertEqual(reminders.mapped("res_model"), ["cert.certificate"])
        self.assertEqual(reminders.mapped("notice_day"), [7])
        activity = self._reminder_activities(cert_set)
        self.assertEqual(activity.user_id, self.manager_b)
        self.assertIn("Liis Kask", activity.summary)
        self.assertEqual(cert_set.certificate_ids[0].state, "expiring")

    def test_renewal_closes_open_reminders_and_stops_new_ones(self):
        old = self._license(date(2026, 3, 31))
        with freeze_time("2026-03-01"):
            self._run_cron()
            self.assertEqual(len(self._reminder_activities(old)), 1)
            action = old.action_renew()
            self.assertEqual(action["context"]["default_valid_from"], "2026-04-01")
            new = self._license(date(2027, 3, 31), key="K-2", renews_id=old.id)
        self.assertEqual(old.renewed_by_id, new)
        self.assertFalse(self._reminder_activities(old), "the open reminder is done")
        self.assertIn("Renewed by", old.message_ids[0].body)
        with freeze_time("2026-03-17"):
            self.assertFalse(self._run_cron())

    def test_certificate_renewal_closes_task_on_set(self):
        cert_set = self._set(
            certificates=[{"owner_name": "Liis Kask", "valid_from": date(2024, 4, 1), "valid_to": date(2026, 3, 15)}]
        )
        old_cert = cert_set.certificate_ids
        with freeze_time("2026-03-01"):
            self._run_cron()
        self.assertEqual(len(self._reminder_activities(cert_set)), 1)
        renewal_set = self._set(
            certificates=[
                {
                    "owner_name": "Liis Kask",
                    "valid_from": date(2026, 3, 16),
                    "valid_to": date(2028, 3, 15),
                    "renews_id": old_cert.id,
                }
            ]
        )
        self.assertEqual(old_cert.renewed_by_id, renewal_set.certificate_ids)
        self.assertFalse(self._reminder_activities(cert_set), "the renewal closed the task")
        with freeze_time("2026-03-08"):
            self.assertFalse(self._run_cron(), "a renewed certificate gets no more reminders")

    def test_expired_and_archived_items_get_no_reminder(self):
        self._license(date(2026, 2, 27), key="K-old")
        self._license(date(2026, 3, 5), key="K-archived", active=False)
        with freeze_time("2026-03-01"):
            self.assertFalse(self._run_cron())
            self.assertEqual(self.env["cert.license"].search([("license_key", "=", "K-old")]).state, "expired")

    def test_state_refreshed_by_cron(self):
        with freeze_time("2026-01-01"):
            license_ = self._license(date(2026, 3, 31))
            self.assertEqual(license_.state, "valid")
        with freeze_time("2026-04-01"):
            self._run_cron()
            self.assertEqual(license_.state, "expired")

    def test_batches_are_jobs_until_done(self):
        licenses = self.env["cert.license"]
        for i in range(5):
            licenses |= self._license(date(2026, 3, 31), key=f"B-{i}")
        with freeze_time("2026-03-01"), trap_jobs() as trap:
            self.env["cert.expiry.reminder"]._cron_create_expiry_activities(limit=3)
            trap.assert_jobs_count(1)
            self.assertFalse(self._reminder_activities(licenses[0]), "the cron only starts the jobs")
            results = []
            while trap.enqueued_jobs:
                [job] = trap.enqueued_jobs
                trap.perform_enqueued_jobs()
                results.append(job.result)
        self.assertEqual(
            results,
            ["3 renewal tasks created, more are due: the next job goes on", "2 renewal tasks created, none left"],
        )
        self.assertEqual(sum(len(self._reminder_activities(license_)) for license_ in licenses), 5)

    @mute_logger("odoo.addons.cert_issuance.models.cert_expiry_reminder")
    def test_failing_item_does_not_stop_the_batch(self):
        good = self._license(date(2026, 3, 31), key="GOOD")
        bad = self._license(date(2026, 3, 31), key="BAD")
        license_class = type(self.env["cert.license"])
        original = license_class._cert_reminder_summary

        def summary(item, valid_to, notice_day):
            if item.license_key == "BAD":
                raise ValueError("broken item")
            return original(item, valid_to, notice_day)

        with freeze_time("2026-03-01"), patch.object(license_class, "_cert_reminder_summary", summary):
            reminders = self._run_cron()
            self.assertEqual(len(self._reminder_activities(good)), 1)
            self.assertFalse(self._reminder_activities(bad))
            self.assertEqual(reminders.mapped("res_id"), good.ids)
            logged = self.env["cert.expiry.reminder"].search(
                [("res_model", "=", "cert.license"), ("res_id", "=", bad.id)]
            )
            self.assertTrue(logged and not logged.activity_id, "marked as tried so the job does not loop on it")
            self.assertFalse(self._run_cron())

    def test_renewal_invoice_and_customer_email(self):
        self.company.write({"cert_renewal_invoice": True, "cert_renewal_customer_notice": True})
        license_ = self._license(date(2026, 3, 31))
        with freeze_time("2026-03-01"):
            reminder = self._run_cron()
        with freeze_time("2026-03-17"):
            second = self._run_cron()
        invoice = reminder.invoice_id
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.module_gl)
        self.assertEqual(invoice.amount_untaxed, 240.0)
        self.assertFalse(second.invoice_id, "one renewal invoice per expiry, not per reminder")
        origin = invoice.message_ids.filtered(lambda m: "Created as the renewal of" in m.body)
        self.assertEqual(len(origin), 1, "the draft's chatter says which expiry made it")
        self.assertIn(f'data-oe-model="cert.license" data-oe-id="{license_.id}"', origin.body)
        mails = self.env["mail.mail"].search([("model", "=", "cert.license"), ("res_id", "=", license_.id)])
        self.assertEqual(len(mails), 2)
        self.assertIn("K-1", mails[0].subject)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertTrue(reminder.customer_notified)
