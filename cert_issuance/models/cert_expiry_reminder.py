import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import split_every
from odoo.tools.misc import format_date

_logger = logging.getLogger(__name__)

# Each expiring item with its activity target, manager and notice days text (product
# setting, else company setting). Renewed, archived and undated items never expire.
RENEWAL_BATCH_SIZE = 100  # reminders whose renewal invoices and emails one job makes

DUE_ITEMS_SQL = """
    SELECT 'cert.license' AS res_model, l.id AS res_id, l.valid_to, l.company_id, l.manager_id AS user_id,
           'cert.license' AS activity_model, l.id AS activity_res_id,
           COALESCE(NULLIF(btrim(pt.cert_notice_days), ''), c.cert_expiry_notice_days) AS days_text
      FROM cert_license l
      JOIN res_company c ON c.id = l.company_id
      LEFT JOIN product_product pp ON pp.id = l.product_id
      LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE l.active AND l.renewed_by_id IS NULL AND l.valid_to BETWEEN %(today)s AND %(horizon)s
    UNION ALL
    SELECT 'cert.certificate', cc.id, cc.valid_to, s.company_id, s.manager_id,
           'cert.certificate.set', s.id,
           COALESCE(NULLIF(btrim(pt.cert_notice_days), ''), c.cert_expiry_notice_days)
      FROM cert_certificate cc
      JOIN cert_certificate_set s ON s.id = cc.set_id
      JOIN res_company c ON c.id = s.company_id
      LEFT JOIN product_product pp ON pp.id = s.product_id
      LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
     WHERE s.active AND cc.renewed_by_id IS NULL AND cc.valid_to BETWEEN %(today)s AND %(horizon)s
"""

# The (item, end date, notice day) pairs due today without a reminder yet: the due notice
# day is the smallest one not below the days left (see tools/expiry.due_notice_day).
DUE_SQL = f"""
    WITH items AS ({DUE_ITEMS_SQL}),
    due AS (
        SELECT i.res_model, i.res_id, i.valid_to, i.company_id, i.user_id, i.activity_model, i.activity_res_id,
               MIN(d.day) AS notice_day
          FROM items i
          CROSS JOIN LATERAL (
              SELECT NULLIF(part, '')::int AS day
                FROM regexp_split_to_table(regexp_replace(i.days_text, '\\s', '', 'g'), '[,;]') AS part
          ) d
         WHERE d.day IS NOT NULL AND i.valid_to - %(today)s::date <= d.day
         GROUP BY 1, 2, 3, 4, 5, 6, 7
    )
    SELECT due.* FROM due
     WHERE NOT EXISTS (
        SELECT 1 FROM cert_expiry_reminder r
         WHERE r.res_model = due.res_model AND r.res_id = due.res_id
           AND r.expiry_date = due.valid_to AND r.notice_day = due.notice_day)
"""


class CertExpiryReminder(models.Model):
    """One row per reminder sent: (item, end date, notice day) is unique, so the daily
    job never sends a reminder twice, even after its activity was done or deleted."""

    _name = "cert.expiry.reminder"
    _description = "Expiry Reminder Log"
    _order = "id desc"
    _rec_name = "res_model"

    res_model = fields.Selection(
        [("cert.license", "License"), ("cert.certificate", "Certificate")], string="Item Type", required=True
    )
    res_id = fields.Many2oneReference(string="Item", model_field="res_model", required=True, index=True)
    expiry_date = fields.Date(required=True)
    notice_day = fields.Integer(string="Days Before Expiry", required=True)
    reminder_date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Manager")
    company_id = fields.Many2one("res.company", index=True)
    activity_id = fields.Many2one("mail.activity", index="btree_not_null", ondelete="set null")
    invoice_id = fields.Many2one("account.move", string="Renewal Invoice", index="btree_not_null", ondelete="set null")
    customer_notified = fields.Boolean()

    _sql_constraints = [
        (
            "item_expiry_day_uniq",
            "unique(res_model, res_id, expiry_date, notice_day)",
            "This reminder was already created.",
        ),
    ]

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cert_due_rows(self, today, limit=None):
        horizon = fields.Date.add(today, days=self.env["cert.license"]._cert_max_notice_days())
        query = DUE_SQL + " ORDER BY valid_to, res_model, res_id"
        params = {"today": today, "horizon": horizon}
        if limit:
            query += " LIMIT %(limit)s"
            params["limit"] = limit
        self.env.cr.execute(query, params)
        return self.env.cr.dictfetchall()

    @api.model
    def _cron_create_expiry_activities(self, limit=5000):
        """Daily: start the jobs that create the renewal tasks due today, ``limit`` per job."""
        return self._cert_enqueue_expiry(limit)

    @api.model
    def _cert_enqueue_expiry(self, limit):
        return self.with_delay(
            channel="root.cert_issuance",
            description=self.env._("Create up to %s renewal tasks due today", limit),
            identity_key="cert_expiry_activities",
        )._cert_expiry_job(limit)

    @api.model
    def _cert_expiry_job(self, limit=5000):
        """Job: create up to ``limit`` due renewal tasks in its own transaction; the rest is the next job's."""
        reminders, remaining = self._cert_expiry_batch(limit=limit)
        if remaining:
            self._cert_enqueue_expiry(limit)
            return self.env._("%s renewal tasks created, more are due: the next job goes on", len(reminders))
        return self.env._("%s renewal tasks created, none left", len(reminders))

    @api.model
    def _cert_expiry_batch(self, limit=5000):
        """Refresh the states, then create up to ``limit`` due reminders: ``(reminders, remaining)``."""
        today = fields.Date.context_today(self)
        if not self.env.context.get("cert_skip_state_refresh"):
            self.env["cert.license"]._cert_refresh_states()
            self.env["cert.certificate"]._cert_refresh_states()
        rows = self._cert_due_rows(today, limit=limit + 1)
        remaining = max(len(rows) - limit, 0)
        return self._cert_create_reminders(rows[:limit], today), remaining

    @api.model
    def _cert_create_reminders(self, rows, today):
        """Create the reminder rows and their activities; a failing chunk is retried item by item."""
        if not rows:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self._cert_create_reminders_chunk(rows, today)
        except Exception:
            _logger.info("Expiry reminders: chunk failed, retrying one by one", exc_info=True)
        reminders = self.browse()
        for row in rows:
            try:
                with self.env.cr.savepoint():
                    reminders |= self._cert_create_reminders_chunk([row], today)
            except Exception:
                _logger.exception("Expiry reminder for %s %s failed", row["res_model"], row["res_id"])
                with self.env.cr.savepoint():
                    self._cert_insert_rows([row], today)
        return reminders

    @api.model
    def _cert_insert_rows(self, rows, today):
        """Insert the reminder rows; rows another worker inserted meanwhile are skipped."""
        self.env.cr.execute(
            """
            INSERT INTO cert_expiry_reminder (res_model, res_id, expiry_date, notice_day, reminder_date,
                                              user_id, company_id, customer_notified,
                                              create_uid, write_uid, create_date, write_date)
            SELECT m, r, e, d, %(today)s, u, c, false, %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM unnest(%(models)s::varchar[], %(ids)s::int[], %(dates)s::date[], %(days)s::int[],
                          %(users)s::int[], %(companies)s::int[]) AS t(m, r, e, d, u, c)
            ON CONFLICT (res_model, res_id, expiry_date, notice_day) DO NOTHING
            RETURNING id, res_model, res_id, expiry_date
            """,
            {
                "today": today,
                "uid": self.env.uid,
                "models": [row["res_model"] for row in rows],
                "ids": [row["res_id"] for row in rows],
                "dates": [row["valid_to"] for row in rows],
                "days": [row["notice_day"] for row in rows],
                "users": [row["user_id"] for row in rows],
                "companies": [row["company_id"] for row in rows],
            },
        )
        return {(res_model, res_id, expiry): rid for rid, res_model, res_id, expiry in self.env.cr.fetchall()}

    @api.model
    def _cert_create_reminders_chunk(self, rows, today):
        inserted = self._cert_insert_rows(rows, today)
        rows = [row for row in rows if (row["res_model"], row["res_id"], row["valid_to"]) in inserted]
        if not rows:
            return self.browse()
        activity_type = self.env.ref("cert_issuance.mail_activity_type_cert_renewal")
        model_ids = {name: self.env["ir.model"]._get_id(name) for name in ("cert.license", "cert.certificate.set")}
        items = {
            name: self.env[name].browse([row["res_id"] for row in rows if row["res_model"] == name])
            for name in ("cert.license", "cert.certificate")
        }
        vals_list = []
        for row in rows:
            item = items[row["res_model"]].browse(row["res_id"])
            vals_list.append(
                {
                    "res_model_id": model_ids[row["activity_model"]],
                    "res_id": row["activity_res_id"],
                    "activity_type_id": activity_type.id,
                    "user_id": row["user_id"],
                    "date_deadline": today,
                    "summary": item._cert_reminder_summary(row["valid_to"], row["notice_day"]),
                }
            )
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True).sudo().create(vals_list)
        reminders = self.browse([inserted[(r["res_model"], r["res_id"], r["valid_to"])] for r in rows])
        self.env.cr.execute(
            """UPDATE cert_expiry_reminder r SET activity_id = t.a
                 FROM unnest(%s::int[], %s::int[]) AS t(r, a) WHERE r.id = t.r""",
            [reminders.ids, activities.ids],
        )
        reminders.invalidate_recordset(["activity_id"])
        companies = self.env["res.company"].browse({row["company_id"] for row in rows})
        if any(companies.mapped("cert_renewal_invoice")) or any(companies.mapped("cert_renewal_customer_notice")):
            for batch in split_every(RENEWAL_BATCH_SIZE, reminders.ids, self.browse):
                batch.with_delay(
                    channel="root.cert_issuance",
                    description=self.env._("Renewal invoices and customer notices of %s items", len(batch)),
                )._cert_renewal_followups_batch()
        return reminders

    def _cert_renewal_followups_batch(self):
        """Job: the draft renewal invoices and customer emails of these reminders."""
        for reminder in self.exists():
            reminder._cert_renewal_followups()
        invoices = self.invoice_id
        return self.env._("%(invoices)s renewal invoices drafted", invoices=len(invoices))

    def _cert_item(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

    def _cert_renewal_followups(self):
        """Optional draft renewal invoice (once per item and end date) and customer email."""
        self.ensure_one()
        item = self._cert_item()
        company = self.company_id
        if company.cert_renewal_invoice:
            already = self.search_count(
                [
                    ("res_model", "=", self.res_model),
                    ("res_id", "=", self.res_id),
                    ("expiry_date", "=", self.expiry_date),
                    ("invoice_id", "!=", False),
                ]
            )
            if not already:
                self.invoice_id = self.env["account.move"].create(item._cert_renewal_invoice_vals())
                self.invoice_id._message_log(
                    body=Markup(self.env._("Created as the renewal of %(item)s, which expires on %(date)s."))
                    % {"item": item._get_html_link(), "date": format_date(self.env, self.expiry_date)}
                )
        if company.cert_renewal_customer_notice:
            template = self.env.ref(
                "cert_issuance.mail_template_license_expiry"
                if self.res_model == "cert.license"
                else "cert_issuance.mail_template_certificate_expiry"
            )
            template.send_mail(item.id, email_layout_xmlid="mail.mail_notification_light")
            self.customer_notified = True
