import base64

from odoo import api, fields, models
from odoo.addons.queue_job.delay import chain
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime

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
    file_hash = fields.Char(
        compute="_compute_file_hash",
        store=True,
        index=True,
        help="SHA-256 of the file: the same file is refused twice.",
    )
    posted_date = fields.Datetime("Posted On", readonly=True, copy=False)
    posted_uid = fields.Many2one("res.users", "Posted By", readonly=True, copy=False)
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

    @api.depends("file")
    def _compute_file_hash(self):
        for batch in self:
            batch.file_hash = payment_file.file_hash(base64.b64decode(batch.file)) if batch.file else False

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
            batch._check_not_imported_before()
            rows, errors = batch._read_file()
            known = batch._known_keys(rows)
            vals = [
                {
                    "line": error.line,
                    "status": "error",
                    "reason": error.reason,
                }
                for error in errors
            ]
            for row, key in zip(rows, payment_file.row_keys(rows), strict=True):
                duplicate = key in known
                vals.append(
                    {
                        "line": row.line,
                        "status": "duplicate" if duplicate else "new",
                        "reason": self.env._("already received") if duplicate else False,
                        "amount": float(row.amount),
                        "date": row.date,
                        "transaction_id": row.values.get("transaction_id"),
                        "identifier": " / ".join(v for k, v in row.values.items() if k != "transaction_id"),
                    }
                )
            batch.line_ids = [fields.Command.clear()] + [
                fields.Command.create(v) for v in sorted(vals, key=lambda v: v["line"])
            ]
            batch.state = "previewed"
        return True

    def _dedup_key(self, row_key):
        """The intake's dedup key for a row of this file (see ``subscription.payment.intake``)."""
        return f"import:{self.journal_id.id}:0:{row_key}"

    def _known_keys(self, rows):
        """The row keys of ``rows`` already received into this journal, by this or another file."""
        keys = payment_file.row_keys(rows)
        wanted = [self._dedup_key(key) for key in keys]
        found = set(
            self.env["subscription.payment.intake"]
            .search([("company_id", "=", self.company_id.id), ("dedup_key", "in", wanted)])
            .mapped("dedup_key")
        )
        return {key for key, dedup in zip(keys, wanted, strict=True) if dedup in found}

    def _check_not_imported_before(self):
        """Refuse a file already imported into the same journal, saying when and by whom."""
        self.ensure_one()
        if not self.file_hash:
            return
        earlier = self.search(
            [
                ("id", "!=", self.id),
                ("company_id", "=", self.company_id.id),
                ("journal_id", "=", self.journal_id.id),
                ("file_hash", "=", self.file_hash),
                ("state", "=", "done"),
            ],
            limit=1,
            order="posted_date, id",
        )
        if earlier:
            raise UserError(
                self.env._(
                    "This file was already imported into %(journal)s on %(date)s by %(user)s (%(name)s). "
                    "Nothing was posted again.",
                    journal=earlier.journal_id.display_name,
                    date=format_datetime(self.env, earlier.posted_date or earlier.write_date),
                    user=(earlier.posted_uid or earlier.write_uid).name,
                    name=earlier.display_name,
                )
            )

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
        self.env["subscription.payment.intake"]._check_posting_rights()
        self._check_not_imported_before()
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
        # Rows received before, by another file or by an earlier, interrupted run of this one
        # (rows without a transaction id are recognised by their row key).
        known = self._known_keys(rows)
        vals_list = []
        for row, key in zip(rows, payment_file.row_keys(rows), strict=True):
            if key in known:
                continue
            vals = {INTAKE_FIELD[k]: v for k, v in row.values.items()}
            vals.update(
                source="import",
                import_id=self.id,
                import_line=row.line,
                row_key=None if row.values.get("transaction_id") else key,
                amount=float(row.amount),
                date=row.date,
                journal_id=self.journal_id.id,
                company_id=self.company_id.id,
            )
            vals_list.append(vals)
        chunks = [vals_list[start : start + POST_BATCH_SIZE] for start in range(0, len(vals_list), POST_BATCH_SIZE)]
        if not chunks:
            self._mark_posted()
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

    def _mark_posted(self):
        """The import is posted: when and by whom, as a second import of the same file will say."""
        self.write({"state": "done", "posted_date": fields.Datetime.now(), "posted_uid": self.env.uid})

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
        self.post_job_done = done
        if done >= self.post_job_count:
            self._mark_posted()
        return self.env._(
            "%(count)s rows posted: %(paid)s paid, %(unmatched)s unmatched",
            count=len(intakes),
            paid=len(intakes.filtered(lambda intake: intake.state == "done")),
            unmatched=len(intakes.filtered(lambda intake: intake.state == "unmatched")),
        )
