import base64

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from ..tools import payment_file

# Rows posted, and committed, together: a few seconds of work each.
POST_BATCH_SIZE = 1000

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
        [("draft", "Draft"), ("previewed", "Previewed"), ("done", "Posted")], default="draft", required=True
    )
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
            if batch.state == "done":
                raise UserError(self.env._("%s is already posted.", batch.name))
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

    def action_post(self):
        """Create the payments of the new rows, match them, post and reconcile the matched ones."""
        self.ensure_one()
        if self.state == "done":
            raise UserError(self.env._("%s is already posted.", self.name))
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
        bulk = self.with_context(
            subscription_payment_bulk=True, tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        commit = len(vals_list) > POST_BATCH_SIZE and not modules.module.current_test
        for start in range(0, len(vals_list), POST_BATCH_SIZE):
            intakes = bulk.env["subscription.payment.intake"].create(vals_list[start : start + POST_BATCH_SIZE])
            intakes._process()
            if commit:
                # Each batch stands on its own: a crash loses at most the batch under way,
                # and posting the file again skips the rows already posted.
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()
        self.state = "done"
        return True
