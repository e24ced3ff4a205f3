import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

from freezegun import freeze_time

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.subscription_billing.tools import provisioning
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SubscriptionBillingCommon, bill_through_jobs

ISSUED = date(2026, 3, 2)  # due 17 March (15 days); suspended 14 days later, on 31 March
SECRET = "prov-s3cret"


class FakeProvisioning:
    """A provisioning system on 127.0.0.1: answers the queued status codes, records what it got."""

    def __init__(self):
        self.statuses, self.received = [], []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = self.headers.get("X-Signature") == provisioning.signature_header(body, SECRET)
                fake.received.append((json.loads(body), signed))
                status = fake.statuses.pop(0) if fake.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"busy")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/odoo"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("post_install", "-at_install")
class TestSuspension(SubscriptionBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProvisioning()
        cls.addClassCleanup(cls.fake.stop)
        cls.policy = cls.env["subscription.suspension.policy"].create(
            {
                "name": "Two weeks",
                "overdue_days": 14,
                "provisioning_url": cls.fake.url,
                "provisioning_secret": SECRET,
                "max_attempts": 3,
                "sequence": 1,
            }
        )
        cls.sub = cls.env["subscription.subscription"].create(
            {
                "partner_id": cls.partner_a.id,
                "date_start": ISSUED,
                "payment_term_id": cls.env.ref("account.account_payment_term_15days").id,
                "line_ids": [(0, 0, {"tariff_id": cls.monthly.id})],
            }
        )
        cls.sub.action_activate()
        bill_through_jobs(cls.env, ISSUED)
        cls.invoice = cls.env["account.move"].search(cls.sub._invoice_domain())

    def setUp(self):
        super().setUp()
        self.fake.statuses.clear()
        self.fake.received.clear()

    def _suspend_run(self, day):
        with freeze_time(day):
            self.env["subscription.suspension.policy"]._cron_suspend_overdue(today=day)

    def _run_job(self, call):
        """What queue_job's runner does with the call's job: one try; a RetryableJobError postpones it."""
        job = Job.load(self.env(su=True), call.job_uuid)
        job.set_started()
        job.store()
        try:
            job.perform()
        except RetryableJobError as error:
            job.postpone(result=str(error), seconds=error.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            call.invalidate_recordset()
            return error
        job.set_done()
        job.store()
        call.invalidate_recordset()
        return None

    def test_suspended_on_the_right_day_and_told_with_retries(self):
        self._suspend_run(date(2026, 3, 30))
        self.assertEqual(self.sub.state, "active", "13 days overdue: not yet")
        self._suspend_run(date(2026, 3, 31))
        self.assertEqual((self.sub.state, self.sub.date_suspended), ("suspended", date(2026, 3, 31)))

        call = self.env["subscription.provisioning.call"].search([("subscription_id", "=", self.sub.id)])
        self.assertEqual((call.event, call.state), ("suspend", "pending"))
        job = self.env["queue.job"].sudo().search([("uuid", "=", call.job_uuid)])
        self.assertEqual(job.channel, f"root.provisioning.policy_{self.policy.id}", "one channel per endpoint")
        self.assertEqual(job.max_retries, 4)
        self.fake.statuses[:] = [503]
        error = self._run_job(call)
        self.assertEqual(error.seconds, 60, "tried again in a minute")
        self.assertEqual((call.state, call.job_state), ("pending", "Pending"))
        self.assertEqual(call.job_error, "Attempt 1: HTTP 503 busy")
        self.assertTrue(call.next_attempt)
        self.assertIsNone(self._run_job(call))
        self.assertEqual((call.state, call.attempts, call.job_state), ("done", 2, "Done"))
        self.assertIn("#2: HTTP 200 ok", call.attempt_log)
        self.assertEqual(
            self.fake.received,
            [
                (
                    {
                        "event": "suspend",
                        "contract": self.sub.name,
                        "customer": self.partner_a.name,
                        "company": self.env.company.name,
                        "date": "2026-03-31",
                    },
                    True,
                )
            ]
            * 2,
        )

    def test_call_fails_after_its_last_attempt(self):
        self._suspend_run(date(2026, 4, 1))
        call = self.env["subscription.provisioning.call"].search([("subscription_id", "=", self.sub.id)])
        self.fake.statuses[:] = [500, 500, 500]
        waits = [self._run_job(call).seconds, self._run_job(call).seconds]
        self.assertEqual(waits, [60, 300], "the backoff grows: 1 minute, then 5")
        self.assertIsNone(self._run_job(call), "the last attempt ends the job")
        self.assertEqual((call.state, call.attempts), ("failed", 3))
        self.assertIn("#3: HTTP 500", call.attempt_log)

    def test_full_payment_reactivates_at_once(self):
        self._suspend_run(date(2026, 4, 1))
        self.assertEqual(self.sub.state, "suspended")
        with freeze_time(date(2026, 4, 3)):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({"payment_date": date(2026, 4, 3)})._create_payments()
        self.assertEqual(self.sub.state, "active", "reactivated when the payment is reconciled")
        calls = self.env["subscription.provisioning.call"].search([("subscription_id", "=", self.sub.id)], order="id")
        self.assertEqual(calls.mapped("event"), ["suspend", "reactivate"])
        for call in calls:  # one channel per endpoint, capacity 1: in the order they were made
            self._run_job(call)
        self.assertEqual([body["event"] for body, _signed in self.fake.received], ["suspend", "reactivate"])

    def test_partial_payment_keeps_the_suspension(self):
        self._suspend_run(date(2026, 4, 1))
        with freeze_time(date(2026, 4, 3)):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({"payment_date": date(2026, 4, 3), "amount": 1.0})._create_payments()
        self.assertEqual(self.sub.state, "suspended")

    def test_promise_postpones_once_a_month_and_expires(self):
        promise = self.env["subscription.payment.promise"].create(
            {"subscription_id": self.sub.id, "date": date(2026, 3, 30)}
        )
        self.assertEqual(promise.date_until, date(2026, 4, 6))
        # Odoo's assertRaises rolls the refused record back (unittest's assertRaisesRegex would not).
        with self.assertRaises(ValidationError) as refused:
            self.env["subscription.payment.promise"].create({"subscription_id": self.sub.id, "date": date(2026, 3, 31)})
        self.assertIn("already has a promised payment this month", str(refused.exception))
        self._suspend_run(date(2026, 4, 6))
        self.assertEqual(self.sub.state, "active", "promised until the 6th")
        self._suspend_run(date(2026, 4, 7))
        self.assertEqual(self.sub.state, "suspended", "the promise expired by itself")

    def test_policy_of_the_subscription_then_tariff_then_company(self):
        quick = self.env["subscription.suspension.policy"].create({"name": "Quick", "overdue_days": 3, "sequence": 50})
        tariff_policy = self.env["subscription.suspension.policy"].create(
            {"name": "Tariff", "overdue_days": 5, "sequence": 60}
        )
        self.monthly.suspension_policy_id = tariff_policy
        policies = self.env["subscription.suspension.policy"]._effective_policies(self.sub)
        self.assertEqual(policies[self.sub], tariff_policy, "no policy of its own: the tariff's")
        self.sub.suspension_policy_id = quick
        self.assertEqual(self.env["subscription.suspension.policy"]._effective_policies(self.sub)[self.sub], quick)
        self._suspend_run(date(2026, 3, 19))
        self.assertEqual(self.sub.state, "active", "2 days overdue")
        self._suspend_run(date(2026, 3, 20))
        self.assertEqual(self.sub.state, "suspended", "3 days overdue: its own policy, not the company's 14")

    def test_billing_stops_or_continues_while_suspended(self):
        self._suspend_run(date(2026, 3, 31))
        self.assertEqual(self.sub.state, "suspended")
        bill_through_jobs(self.env, date(2026, 4, 1))
        self.assertEqual(len(self.env["account.move"].search(self.sub._invoice_domain())), 1, "not billed")
        self.policy.keep_billing = True
        bill_through_jobs(self.env, date(2026, 4, 1))
        invoices = self.env["account.move"].search(self.sub._invoice_domain(), order="invoice_date")
        self.assertEqual(invoices.mapped("invoice_date"), [ISSUED, date(2026, 4, 1)], "billed for April")

    def test_reactivation_says_what_was_paid_and_what_is_still_due(self):
        # By hand: March invoice issued 2 March, due 17 March: 2-31 March is 30 of 31 days
        # at 31.00 a month = 30.00 + 15 % tax (4.50) = 34.50.
        # April invoice issued 1 April, due 16 April (15 days): 31.00 + 4.65 = 35.65.
        # On 1 April March is 15 days overdue (> 14): suspended. Paying March on 3 April
        # reactivates, while April (35.65, due 16 April, not yet overdue) is still due.
        self._bill(date(2026, 4, 1))
        april = self._invoices(self.sub) - self.invoice
        self.assertEqual((april.amount_total, april.invoice_date_due), (35.65, date(2026, 4, 16)))
        self._suspend_run(date(2026, 4, 1))
        self.assertEqual(self.sub.state, "suspended")
        with freeze_time(date(2026, 4, 3)):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            ).create({"payment_date": date(2026, 4, 3)})._create_payments()
            self.assertEqual(self.sub.state, "active")
            message = self.sub.message_ids.filtered(lambda msg: "Reactivated" in (msg.body or ""))
            self.assertEqual(
                message.preview,
                f"Reactivated: no invoice is overdue any more. Paid: {self.invoice.name} ($ 34.50). "
                "Still due: $ 35.65 (incl. tax), not yet overdue: the oldest open invoice is due on 04/16/2026.",
            )
            # the card says the same
            self.sub.invalidate_recordset()
            self.assertAlmostEqual(self.sub.amount_due, 35.65)
            self.assertAlmostEqual(self.sub.amount_overdue, 0.0)
            self.assertEqual(self.sub.date_due_since, date(2026, 4, 16))
            self.partner_a.invalidate_recordset()
            self.assertAlmostEqual(self.partner_a.subscription_overdue, 0.0)
            self.assertEqual(self.partner_a.subscription_due_since, date(2026, 4, 16))
