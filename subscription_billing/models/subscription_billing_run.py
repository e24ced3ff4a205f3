from odoo import Command, api, fields, models
from odoo.addons.queue_job.delay import group

from ..tools.batching import partition

CHANNEL = "root.subscription_billing"


class SubscriptionBillingRun(models.Model):
    _name = "subscription.billing.run"
    _description = "Billing Run"
    _order = "date_started desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    trigger = fields.Selection([("cron", "Scheduled"), ("manual", "Invoice now")], required=True, default="manual")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    date_invoice = fields.Date("Invoice Date", required=True, default=fields.Date.context_today)
    date_started = fields.Datetime("Started", required=True, default=fields.Datetime.now)
    date_finished = fields.Datetime("Finished")
    state = fields.Selection([("running", "Running"), ("done", "Done")], default="running", required=True)
    subscription_count = fields.Integer("Subscriptions Billed")
    invoice_count = fields.Integer("Invoices")
    failure_count = fields.Integer("Failures")
    skipped_count = fields.Integer("Skipped", help="Subscriptions whose due period another run had already invoiced.")
    amount_total = fields.Monetary("Total (tax excluded)")
    failure_ids = fields.Many2many(
        "subscription.subscription", string="Failed Subscriptions", relation="subscription_billing_run_failure_rel"
    )
    failure_log = fields.Text(readonly=True)
    move_ids = fields.One2many("account.move", "subscription_run_id", "Invoice Records")
    batch_ids = fields.One2many("subscription.billing.batch", "run_id", "Batches", readonly=True)
    job_uuid = fields.Char(readonly=True, copy=False, help="The job that sums up the run once its batches are billed.")
    job_ids = fields.Many2many("queue.job", compute="_compute_jobs", string="Jobs")
    job_count = fields.Integer(compute="_compute_jobs", string="Jobs Planned")
    job_done_count = fields.Integer(compute="_compute_jobs", string="Jobs Done")
    job_failed_count = fields.Integer(compute="_compute_jobs", string="Jobs Failed")
    progress = fields.Float(compute="_compute_jobs", help="Share of the batches billed, in percent.")

    @api.depends("date_started", "trigger")
    def _compute_name(self):
        for run in self:
            label = dict(self._fields["trigger"].selection).get(run.trigger, "")
            run.name = f"{label} {fields.Datetime.to_string(run.date_started) or ''}".strip()

    @api.depends("batch_ids.job_uuid", "batch_ids.state", "job_uuid")
    def _compute_jobs(self):
        for run in self:
            uuids = [uuid for uuid in [*run.batch_ids.mapped("job_uuid"), run.job_uuid] if uuid]
            jobs = self.env["queue.job"].sudo().search([("uuid", "in", uuids)]) if uuids else self.env["queue.job"]
            run.job_ids = jobs
            run.job_count = len(run.batch_ids)
            run.job_done_count = len(run.batch_ids.filtered(lambda batch: batch.state == "done"))
            run.job_failed_count = len(jobs.filtered(lambda job: job.state == "failed"))
            run.progress = 100.0 * run.job_done_count / run.job_count if run.job_count else 100.0

    def _plan(self, rows, batch_size):
        """Split ``(subscription id, partner id)`` rows into jobs of one batch each; sum up when all are done.

        Each subscription is in one batch of the run only, and a customer's subscriptions
        stay together (they may share an invoice). A final job, run once every batch job is
        done, writes the run's totals: the batch jobs never write the run's own row, so
        any number of them bill in parallel.
        """
        self.ensure_one()
        chunks = partition(rows, batch_size)
        if not chunks:
            self._finish()
            return self
        batches = self.env["subscription.billing.batch"].create(
            [{"run_id": self.id, "planned_count": len(ids)} for ids in chunks]
        )
        delayables = [
            batch.delayable(
                channel=CHANNEL,
                description=self.env._("%(run)s: bill %(count)s subscriptions", run=self.name, count=len(ids)),
                identity_key=f"subscription_billing_batch_{batch.id}",
            )._bill(ids)
            for batch, ids in zip(batches, chunks, strict=True)
        ]
        summary = self.delayable(
            channel=CHANNEL,
            description=self.env._("%s: sum up the billing run", self.name),
            identity_key=f"subscription_billing_run_{self.id}",
        )._sum_up()
        group(*delayables).on_done(summary).delay()
        for batch, delayable in zip(batches, delayables, strict=True):
            batch.job_uuid = delayable._generated_job.uuid
        self.job_uuid = summary._generated_job.uuid
        return self

    def _sum_up(self):
        """Job: add what the batch jobs billed to the run's totals, and close it."""
        self.ensure_one()
        batches = self.batch_ids
        self.write(
            {
                "subscription_count": self.subscription_count + sum(batches.mapped("subscription_count")),
                "invoice_count": self.invoice_count + sum(batches.mapped("invoice_count")),
                "failure_count": self.failure_count + sum(batches.mapped("failure_count")),
                "skipped_count": self.skipped_count + sum(batches.mapped("skipped_count")),
                "amount_total": self.amount_total + sum(batches.mapped("amount_total")),
                "failure_ids": [Command.link(sub.id) for sub in batches.failure_ids],
                "failure_log": "\n".join(filter(None, [self.failure_log, *batches.mapped("failure_log")])) or False,
            }
        )
        self._finish()
        return self.env._(
            "%(invoices)s invoices for %(billed)s subscriptions, %(failures)s failures",
            invoices=self.invoice_count,
            billed=self.subscription_count,
            failures=self.failure_count,
        )

    def _record(self, subscriptions, moves, amount, failures, skipped=None):
        """Add a billed batch to the run: ``failures`` and ``skipped`` map subscriptions to messages."""
        self.ensure_one()
        batch_id = self.env.context.get("subscription_billing_batch")
        if batch_id:  # a job: it writes its own batch, never the run every job shares
            self.env["subscription.billing.batch"].browse(batch_id)._record(
                subscriptions, moves, amount, failures, skipped or {}
            )
            return
        vals = {
            "subscription_count": self.subscription_count + len(subscriptions),
            "invoice_count": self.invoice_count + len(moves),
            "amount_total": self.amount_total + amount,
        }
        skipped = skipped or {}
        if skipped:
            vals["skipped_count"] = self.skipped_count + len(skipped)
        if failures or skipped:
            lines = [f"{sub.name}: {message}" for sub, message in {**failures, **skipped}.items()]
            vals["failure_count"] = self.failure_count + len(failures)
            vals["failure_ids"] = [Command.link(sub.id) for sub in failures]
            vals["failure_log"] = "\n".join(filter(None, [self.failure_log, *lines]))
        self.write(vals)

    def _finish(self):
        self.write({"state": "done", "date_finished": fields.Datetime.now()})

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("subscription_run_id", "in", self.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def _action_open(self):
        """The run's form: the user who started it follows its jobs there."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Billing Run"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_jobs(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Jobs of %s", self.name),
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [("id", "in", self.job_ids.ids)],
            "context": {"create": False},
        }

    def action_view_failures(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Failed Subscriptions"),
            "res_model": "subscription.subscription",
            "view_mode": "list,form",
            "domain": [("id", "in", self.failure_ids.ids)],
        }
