from datetime import date
from unittest.mock import patch

import psycopg2

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SubscriptionBillingCommon, trap_jobs

D = date


@tagged("post_install", "-at_install")
class TestInvoicingRun(SubscriptionBillingCommon):
    def test_rerun_bills_nothing_twice(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        first = self._bill(D(2025, 1, 10))
        self.assertEqual((first.invoice_count, first.failure_count), (1, 0))
        self.assertAlmostEqual(first.amount_total, 31.0)
        second = self._bill(D(2025, 1, 10))
        self.assertEqual(second.invoice_count, 0)
        self.assertEqual(len(self._invoices(sub)), 1)
        self.assertEqual(len(sub.line_ids.period_ids), 1)
        self.assertEqual(second.state, "done")
        self.assertTrue(second.date_finished)

    def test_second_worker_with_stale_state_is_stopped_by_the_database(self):
        """A worker that believes a period unbilled cannot invoice it again: the UNIQUE constraint
        on (line, period start) refuses the period, the invoice is rolled back and the
        subscription skipped; the others of the batch are billed."""
        stale = self._subscribe([self.monthly], D(2025, 1, 1))
        other = self._subscribe([self.monthly], D(2025, 1, 1), partner=self.partner_b)
        self._bill(D(2025, 1, 1))
        self.assertEqual(len(self._invoices(stale)), 1)
        # What a second worker that read the line before the first one committed would see.
        self.env.cr.execute("UPDATE subscription_line SET billed_until = NULL WHERE id = %s", [stale.line_ids.id])
        self.env.invalidate_all()
        self.env.add_to_compute(self.env["subscription.line"]._fields["next_invoice_date"], stale.line_ids)
        self.env.add_to_compute(self.env["subscription.subscription"]._fields["next_invoice_date"], stale)
        self.assertEqual(stale.next_invoice_date, D(2025, 1, 1))
        with mute_logger("odoo.sql_db", "odoo.addons.subscription_billing.models.subscription_invoice_builder"):
            run = self._bill(D(2025, 2, 1))
        # January is refused and rolled back; once billed_until is read back from the periods,
        # February (really due) is billed by the next batch of the same run.
        january, february = self._invoices(stale)
        self.assertEqual(self._lines(january), [(D(2025, 1, 1), D(2025, 1, 31), 31.0)])
        self.assertEqual(self._lines(february), [(D(2025, 2, 1), D(2025, 2, 28), 31.0)])
        self.assertEqual(len(stale.line_ids.period_ids), 2)
        self.assertEqual(len(self._invoices(other)), 2, "the rest of the batch is billed")
        self.assertEqual(run.skipped_count, 1)
        self.assertIn("already invoiced", run.failure_log)
        self.assertEqual(stale.line_ids.billed_until, D(2025, 2, 28))

    def test_unique_period_constraint(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        self._bill(D(2025, 1, 1))
        period = sub.line_ids.period_ids
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation):
            self.env["subscription.line.period"].sudo().create(period.copy_data()[0])
            self.env.flush_all()

    def test_broken_subscription_isolated(self):
        product = self._create_product(name="Old TV box", type="service")
        tariff = self._tariff("Old TV", 10.0, "month")
        tariff.product_id = product
        broken = self._subscribe([tariff], D(2025, 1, 1))
        good = self._subscribe([self.monthly], D(2025, 1, 1))
        product.active = False
        with mute_logger("odoo.addons.subscription_billing.models.subscription_invoice_builder"):
            run = self._bill(D(2025, 1, 1))
        self.assertEqual((run.invoice_count, run.failure_count), (1, 1))
        self.assertEqual(run.failure_ids, broken)
        self.assertIn("archived", broken.billing_error)
        self.assertIn(broken.name, run.failure_log)
        self.assertFalse(self._invoices(broken))
        self.assertEqual(len(self._invoices(good)), 1)
        # Fixed, it is billed by the next run and its error cleared.
        product.active = True
        self._bill(D(2025, 1, 2))
        self.assertEqual(len(self._invoices(broken)), 1)
        self.assertFalse(broken.billing_error)

    def test_failure_at_posting_isolated(self):
        """An invoice refused by accounting (archived journal) does not stop the batch."""
        journal = self.company_data["default_journal_sale"].copy({"name": "Old sales", "code": "OLDS"})
        broken = self._subscribe([self.monthly], D(2025, 1, 1), journal_id=journal.id)
        journal.active = False
        good = self._subscribe([self.monthly], D(2025, 1, 1))
        with mute_logger("odoo.sql_db", "odoo.addons.subscription_billing.models.subscription_invoice_builder"):
            run = self._bill(D(2025, 1, 1))
        self.assertEqual((run.invoice_count, run.failure_count), (1, 1))
        self.assertIn("archived journal", broken.billing_error)
        self.assertFalse(self._invoices(broken))
        self.assertFalse(broken.line_ids.period_ids, "no period recorded for a failed invoice")
        self.assertEqual(len(self._invoices(good)), 1)

    def test_catch_up_bills_each_missed_period(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        run = self._bill(D(2025, 4, 10))
        invoice = self._invoices(sub)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            self._lines(invoice),
            [
                (D(2025, 1, 1), D(2025, 1, 31), 31.0),
                (D(2025, 2, 1), D(2025, 2, 28), 31.0),
                (D(2025, 3, 1), D(2025, 3, 31), 31.0),
                (D(2025, 4, 1), D(2025, 4, 30), 31.0),
            ],
        )
        self.assertEqual(len(sub.line_ids.period_ids), 4)
        self.assertAlmostEqual(run.amount_total, 124.0)
        self.assertEqual(sub.next_invoice_date, D(2025, 5, 1))

    def test_batches_until_nothing_is_due(self):
        subs = [self._subscribe([self.monthly], D(2025, 1, 1)) for _i in range(5)]
        run = self._bill(D(2025, 1, 1), batch_size=2)
        self.assertEqual(run.subscription_count, 5)
        self.assertEqual(run.invoice_count, 5)
        for sub in subs:
            self.assertEqual(sub.next_invoice_date, D(2025, 2, 1))

    def test_cron_plans_jobs_of_one_batch_each_and_the_run_sums_them_up(self):
        partners = self.env["res.partner"].create([{"name": f"Customer {n}"} for n in range(5)])
        subs = [self._subscribe([self.monthly], D(2025, 1, 1), partner=partner) for partner in partners]
        with trap_jobs() as trap:
            run = self.env["subscription.subscription"]._cron_generate_invoices(today=D(2025, 1, 1), batch_size=2)
            trap.assert_jobs_count(4)
            self.assertEqual(
                sorted(job.method_name for job in trap.enqueued_jobs), ["_bill", "_bill", "_bill", "_sum_up"]
            )
            trap.assert_enqueued_job(run._sum_up, properties={"channel": "root.subscription_billing"})
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.subscription_billing"})
            planned = [tuple(job.args[0]) for job in trap.enqueued_jobs if job.method_name == "_bill"]
            flat = [sub_id for ids in planned for sub_id in ids]
            self.assertEqual(sorted(flat), sorted(sub.id for sub in subs), "each subscription in one job only")
            self.assertFalse(self._invoices(subs[0]), "the cron only plans")
            self.assertEqual((run.state, run.job_count, run.job_done_count, run.progress), ("running", 3, 0, 0.0))
            trap.perform_enqueued_jobs()
        self.assertEqual((run.state, run.job_done_count, run.progress), ("done", 3, 100.0))
        self.assertEqual((run.subscription_count, run.invoice_count, run.failure_count), (5, 5, 0))
        self.assertAlmostEqual(run.amount_total, 155.0)
        self.assertEqual(run.batch_ids.mapped("invoice_count"), [2, 2, 1])
        for sub in subs:
            self.assertEqual(self._invoices(sub).amount_untaxed, 31.0)

    def test_a_batch_whose_subscriptions_another_job_holds_is_retried(self):
        self._subscribe([self.monthly], D(2025, 1, 1))
        with trap_jobs() as trap:
            run = self.env["subscription.subscription"]._cron_generate_invoices(today=D(2025, 1, 1))
            locked = psycopg2.errors.LockNotAvailable("could not obtain lock")
            with (
                patch.object(type(self.env["subscription.subscription"]), "_lock_still_due", side_effect=locked),
                self.assertRaises(RetryableJobError) as caught,
            ):
                trap.perform_enqueued_jobs()
        self.assertEqual(caught.exception.seconds, 10)
        self.assertIn("being billed by another job", str(caught.exception))
        self.assertEqual((run.state, run.invoice_count), ("running", 0), "nothing lost: the job is tried again")

    def test_a_failed_job_is_shown_on_its_run(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1))
        # Not trapped: the jobs are stored as the job runner would find them.
        run = self.env["subscription.subscription"]._cron_generate_invoices(today=D(2025, 1, 1))
        self.assertEqual(len(run.job_ids), 2, "the batch job and the job summing up")
        batch = run.batch_ids
        self.assertIn(batch.job_state, ("pending", "enqueued"))
        batch.job_id.sudo().write({"state": "failed", "exc_message": "InternalError: out of shared memory"})
        run.invalidate_recordset()
        batch.invalidate_recordset()
        self.assertEqual(run.job_failed_count, 1)
        self.assertEqual(batch.job_state, "failed")
        self.assertEqual(batch.job_error, "InternalError: out of shared memory")
        self.assertFalse(self._invoices(sub))

    def test_one_invoice_per_customer_when_configured(self):
        self.env.company.subscription_invoice_grouping = "partner"
        first = self._subscribe([self.monthly], D(2025, 1, 1))
        second = self._subscribe([self.tariffs["advance"]["quarter"]], D(2025, 1, 1))
        run = self._bill(D(2025, 1, 1))
        self.assertEqual(run.invoice_count, 1)
        invoice = self._invoices(first)
        self.assertEqual(invoice, self._invoices(second))
        self.assertEqual(sorted(invoice.invoice_line_ids.mapped("price_unit")), [31.0, 90.0])
        self.assertIn(first.name, invoice.invoice_origin)
        self.assertIn(second.name, invoice.invoice_origin)

    def test_invoice_now_button_and_states_in_chatter(self):
        sub = self._subscribe([self.monthly], D(2025, 1, 1), activate=False)
        self.assertTrue(sub.name.startswith("C"), "contract number from the sequence")
        self.assertFalse(sub.next_invoice_date, "a draft is not billed")
        sub.action_activate()
        self.assertEqual(sub.state, "active")
        self.assertIn("Activated on", sub.message_ids[0].body)
        self.assertEqual(sub.date_activated, date.today())
        with trap_jobs() as trap:
            action = sub.with_context(tz="UTC").action_invoice_now()
            run = self.env["subscription.billing.run"].browse(action["res_id"])
            trap.assert_enqueued_job(run.batch_ids._bill, args=([sub.id],))
            self.assertFalse(self._invoices(sub), "billed by the job, not in the request")
            trap.perform_enqueued_jobs()
        invoice = self._invoices(sub)
        self.assertEqual(invoice.subscription_run_id, run)
        self.assertEqual(action["res_model"], "subscription.billing.run")
        self.assertEqual((run.trigger, run.state, run.invoice_count), ("manual", "done", 1))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_origin, sub.name)
        sub.action_suspend()
        self.assertEqual(sub.state, "suspended")
        self.assertFalse(sub.next_invoice_date, "a suspended subscription is not billed")
        self.assertIn("Suspended on", sub.message_ids[0].body)
        self.assertEqual(sub.date_suspended, date.today())
