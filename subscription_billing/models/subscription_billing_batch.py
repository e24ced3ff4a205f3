import psycopg2

from odoo import api, fields, models
from odoo.addons.queue_job.exception import RetryableJobError

# Seconds before a batch whose subscriptions another job holds is tried again.
LOCKED_RETRY_SECONDS = 10


class SubscriptionBillingBatch(models.Model):
    """The share of a billing run one job bills: its own row, so parallel jobs never write the same one."""

    _name = "subscription.billing.batch"
    _description = "Billing Batch"
    _order = "id"

    run_id = fields.Many2one("subscription.billing.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id")
    currency_id = fields.Many2one(related="run_id.currency_id")
    planned_count = fields.Integer("Subscriptions Planned", readonly=True)
    state = fields.Selection([("pending", "Waiting"), ("done", "Done")], default="pending", required=True)
    job_uuid = fields.Char(readonly=True, index=True, copy=False)
    # Read from the job each time the batch is shown (not stored: the job runner changes it).
    job_id = fields.Many2one("queue.job", compute="_compute_job")
    job_state = fields.Selection(lambda self: self.env["queue.job"]._fields["state"].selection, compute="_compute_job")
    job_error = fields.Char(compute="_compute_job", help="The error of the job's last try.")
    subscription_count = fields.Integer("Subscriptions Billed", readonly=True)
    invoice_count = fields.Integer("Invoices", readonly=True)
    failure_count = fields.Integer("Failures", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    amount_total = fields.Monetary("Total (tax excluded)", readonly=True)
    failure_ids = fields.Many2many(
        "subscription.subscription", string="Failed Subscriptions", relation="subscription_billing_batch_failure_rel"
    )
    failure_log = fields.Text(readonly=True)

    @api.depends("job_uuid")
    def _compute_job(self):
        uuids = [uuid for uuid in self.mapped("job_uuid") if uuid]
        jobs = {job.uuid: job for job in self.env["queue.job"].sudo().search([("uuid", "in", uuids)])}
        for batch in self:
            job = jobs.get(batch.job_uuid, self.env["queue.job"].sudo())
            batch.job_id = job.with_env(self.env)
            batch.job_state = job.state
            batch.job_error = job.exc_message or (job.state != "done" and job.result) or False

    def _related_action_open_run(self):
        return self.run_id._action_open()

    def _record(self, subscriptions, moves, amount, failures, skipped):
        self.ensure_one()
        vals = {
            "subscription_count": self.subscription_count + len(subscriptions),
            "invoice_count": self.invoice_count + len(moves),
            "amount_total": self.amount_total + amount,
            "skipped_count": self.skipped_count + len(skipped),
            "failure_count": self.failure_count + len(failures),
        }
        if failures or skipped:
            lines = [f"{sub.name}: {message}" for sub, message in {**failures, **skipped}.items()]
            vals["failure_ids"] = [fields.Command.link(sub.id) for sub in failures]
            vals["failure_log"] = "\n".join(filter(None, [self.failure_log, *lines]))
        self.write(vals)

    def _bill(self, subscription_ids):
        """Job: invoice those of ``subscription_ids`` still due on the run's day; return what it did."""
        self.ensure_one()
        run = self.run_id
        subscriptions = self.env["subscription.subscription"]
        try:
            with self.env.cr.savepoint():
                subscriptions = subscriptions._lock_still_due(
                    subscription_ids, run.date_invoice, include_failed=run.trigger == "manual"
                )
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure) as error:
            # Another job (of another run, or "Invoice now") bills some of them right now:
            # wait for it; once it committed, they are no longer due here.
            raise RetryableJobError(
                self.env._("Subscriptions of this batch are being billed by another job."),
                seconds=LOCKED_RETRY_SECONDS,
            ) from error
        builder = self.env["subscription.invoice.builder"]
        run = run.with_context(subscription_billing_batch=self.id)
        if subscriptions:
            builder._bill(subscriptions, run.date_invoice, run)
        if self.skipped_count:
            # Periods another run had invoiced were skipped and their lines set right:
            # what is really due after them is billed now, once.
            again = (
                self.env["subscription.subscription"]._lock_still_due(
                    subscriptions.ids, run.date_invoice, include_failed=False
                )
                - self.failure_ids
            )
            if again:
                builder._bill(again, run.date_invoice, run)
        self.state = "done"
        self.env["subscription.subscription"]._enqueue_statistics_refresh()
        return self.env._(
            "%(billed)s subscriptions billed, %(invoices)s invoices, %(failures)s failures",
            billed=self.subscription_count,
            invoices=self.invoice_count,
            failures=self.failure_count,
        )
