import base64

from odoo import api, fields, models
from odoo.addons.queue_job.delay import chain
from odoo.exceptions import UserError

from ..tools import payment_file

# Rows one job posts: a few seconds of work each.
POST_BATCH_SIZE = 1000
CHANNEL = "root.subscription_billing.payments"

INTAKE_FIELD = {
    "contract": "contract_number",
    "invoice": "invoice_number",
    "reference": "partner_ref",
    "phone": "phone",
    "payer_name": "payer_name",
    "transaction_id": "transaction_id",
}


class SubscriptionPaymentImport(models.Model):
    """One payment file: its preview, row by row, then the payments it posted."""

    _name = "subscription.payment.import"
    _description = "Payment Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    mapping_id = fields.Many2one("subscription.payment.mapping", required=True, check_company=True)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain=[("type", "in", ("bank", "cash"))],
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    post_good_rows = fields.Boolean(
        "Post the Good Rows", help="Post the valid rows even though other rows of the file are wrong."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("previewed", "Previewed"), ("posting", "Posting"), ("done", "Posted")],
        default="draft",
        required=True,
    )
    post_job_count = fields.Integer("Posting Jobs", readonly=True, copy=False)
    post_job_done = fields.Integer("Posting Jobs Done", readonly=True, copy=False)
    post_progress = fields.Float(compute="_compute_post_jobs", help="Share of the posting jobs done, in percent.")
    post_job_uuids = fields.Text(readonly=True, copy=False)
    post_job_state = fields.Char(compute="_compute_post_jobs", string="Posting Job State")
    post_job_error = fields.Char(compute="_compute_post_jobs", string="Posting Error")
    line_ids = fields.One2many("subscription.payment.import.line", "import_id", "Rows", readonly=True)
    intake_ids = fields.One2many("subscription.payment.intake", "import_id", "Payments", readonly=True)
    count_new = fields.Integer(compute="_compute_counts")
    count_duplicate = fields.Integer(compute="_compute_counts")
    count_error = fields.Integer(compute="_compute_counts")
    count_paid = fields.Integer(compute="_compute_counts")
    count_unmatched = fields.Integer(compute="_compute_counts")

    @api.depends("filename", "create_date")
    def _compute_name(self):
        for batch in self:
            batch.name = batch.filename or self.env._("Payment import")

    @api.depends("mapping_id")
    def _compute_journal_id(self):
        for batch in self:
            batch.journal_id = batch.mapping_id.journal_id or batch.journal_id

    @api.depends("line_ids.status", "intake_ids.state")
    def _compute_counts(self):
        for batch in self:
            statuses = batch.line_ids.mapped("status")
            batch.count_new = statuses.count("new")
            batch.count_duplicate = statuses.count("duplicate")
            batch.count_error = statuses.count("error")
            states = batch.intake_ids.mapped("state")
            batch.count_paid = states.count("done")
            batch.count_unmatched = states.count("unmatched")

    @api.depends("post_job_uuids", "post_job_done", "post_job_count")
    def _compute_post_jobs(self):
        states = dict(self.env["queue.job"]._fields["state"]._description_selection(self.env))
        for batch in self:
            uuids = (batch.post_job_uuids or "").split()
            jobs = self.env["queue.job"].sudo().search([("uuid", "in", uuids)]) if uuids else self.env["queue.job"]
            # the job a user waits for: the one that failed, else the first not done
            current = (
                jobs.filtered(lambda job: job.state == "failed")[:1]
                or jobs.filtered(lambda job: job.state != "done").sorted("id")[:1]
            )
            batch.post_job_state = states.get(current.state, False)
            batch.post_job_error = current.exc_message or current.result or False
            batch.post_progress = 100.0 * batch.post_job_done / batch.post_job_count if batch.post_job_count else 0.0

    def _read_file(self):
        self.ensure_one()
        try:
            return payment_file.parse_payments(
                base64.b64decode(self.file), self.filename or "file.csv", self.mapping_id._as_file_mapping()
            )
        except ValueError as error:
            raise UserError(
                self.env._("%(file)s cannot be imported: %(error)s", file=self.filename, error=error)
            ) from error

    def write(self, vals):
        result = super().write(vals)
        if {"file", "mapping_id"} & set(vals) and "state" not in vals:
            # Another file or mapping: the preview shown no longer says what posting would do.
            self.filtered(lambda batch: batch.state == "previewed").state = "draft"
        return result

    def action_preview(self):
        """Read the file and say, row by row, what posting it would do; nothing is posted."""
        for batch in self:
            batch._check_not_posted()
            rows, errors = batch._read_file()
            known = batch._known_transactions([r.values.get("transaction_id") for r in rows])
            vals = [
                {
                    "line": error.line,
                    "status": "error",
                    "reason": error.reason,
                }
                for error in errors
            ]
            for row in rows:
                transaction = row.values.get("transaction_id")
                duplicate = transaction in known
                vals.append(
                    {
                        "line": row.line,
                        "status": "duplicate" if duplicate else "new",
                        "reason": self.env._("already received") if duplicate else False,
                        "amount": float(row.amount),
                        "date": row.date,
                        "transaction_id": transaction,
                        "identifier": " / ".join(v for k, v in row.values.items() if k != "transaction_id"),
                    }
                )
            batch.line_ids = [fields.Command.clear()] + [
                fields.Command.create(v) for v in sorted(vals, key=lambda v: v["line"])
            ]
            batch.state = "previewed"
        return True

    def _known_transactions(self, transactions):
        wanted = [f"import:0:{t}" for t in transactions if t]
        if not wanted:
            return set()
        found = (
            self.env["subscription.payment.intake"]
            .sudo()
            .search_read([("company_id", "=", self.company_id.id), ("dedup_key", "in", wanted)], ["transaction_id"])
        )
        return {record["transaction_id"] for record in found}

    def _check_not_posted(self):
        if self.state == "done":
            raise UserError(self.env._("%s is already posted.", self.name))
        if self.state == "posting":
            raise UserError(self.env._("%s is being posted: its progress is shown on the import.", self.name))

    def action_post(self):
        """Check the file, then have jobs create the payments of the new rows, match, post and reconcile them.

        The jobs run one after the other, POST_BATCH_SIZE rows each; the import shows how
        far they are and is marked posted when the last one is done.
        """
        self.ensure_one()
        self._check_not_posted()
        rows, errors = self._read_file()
        if errors and not self.post_good_rows:
            self.action_preview()
            raise UserError(
                self.env._(
                    "%(count)s rows of %(file)s are wrong, nothing was posted:\n%(rows)s\n"
                    "Correct the file, or tick 'Post the Good Rows'.",
                    count=len(errors),
                    file=self.filename,
                    rows="\n".join(
                        self.env._("line %(line)s: %(reason)s", line=e.line, reason=e.reason) for e in errors[:20]
                    ),
                )
            )
        if self.state != "previewed":  # a preview of this very file and mapping is shown already
            self.action_preview()
        known = self._known_transactions([r.values.get("transaction_id") for r in rows])
        # Rows of this import posted by an earlier, interrupted run (also those without a
        # transaction id, which the database cannot recognise by themselves).
        done_lines = set(self.intake_ids.mapped("import_line"))
        vals_list = []
        for row in rows:
            if row.values.get("transaction_id") in known or row.line in done_lines:
                continue
            vals = {INTAKE_FIELD[k]: v for k, v in row.values.items()}
            vals.update(
                source="import",
                import_id=self.id,
                import_line=row.line,
                amount=float(row.amount),
                date=row.date,
                journal_id=self.journal_id.id,
                company_id=self.company_id.id,
            )
            vals_list.append(vals)
        chunks = [vals_list[start : start + POST_BATCH_SIZE] for start in range(0, len(vals_list), POST_BATCH_SIZE)]
        if not chunks:
            self.state = "done"
            return True
        delayables = [
            self.delayable(
                channel=CHANNEL,
                description=self.env._(
                    "%(file)s: post rows %(first)s to %(last)s",
                    file=self.name,
                    first=chunk[0]["import_line"],
                    last=chunk[-1]["import_line"],
                ),
                identity_key=f"subscription_payment_import_{self.id}_{number}",
            )._post_batch(chunk)
            for number, chunk in enumerate(chunks)
        ]
        chain(*delayables).delay()
        self.write(
            {
                "state": "posting",
                "post_job_count": len(chunks),
                "post_job_done": 0,
                "post_job_uuids": " ".join(delayable._generated_job.uuid for delayable in delayables),
            }
        )
        return True

    def _post_batch(self, vals_list):
        """Job: create the payments of these rows, match, post and reconcile them; the last job closes the import."""
        self.ensure_one()
        posted = set(self.intake_ids.mapped("import_line"))
        bulk = self.with_context(
            subscription_payment_bulk=True, tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        intakes = bulk.env["subscription.payment.intake"].create(
            [vals for vals in vals_list if vals["import_line"] not in posted]
        )
        intakes._process()
        done = self.post_job_done + 1
        self.write({"post_job_done": done, "state": "done" if done >= self.post_job_count else "posting"})
        return self.env._(
            "%(count)s rows posted: %(paid)s paid, %(unmatched)s unmatched",
            count=len(intakes),
            paid=len(intakes.filtered(lambda intake: intake.state == "done")),
            unmatched=len(intakes.filtered(lambda intake: intake.state == "unmatched")),
        )
