import logging

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..tools.notice_days import parse_notice_days

CHECK_BATCH_SIZE = 50  # licenses one job checks with the vendor

_logger = logging.getLogger(__name__)


class CertLicense(models.Model):
    _name = "cert.license"
    _inherit = ["mail.thread", "mail.activity.mixin", "cert.expiry.mixin"]
    _description = "Software License"
    _order = "valid_to, id"
    _rec_name = "license_key"

    license_key = fields.Char(string="License Key / Serial", required=True, index=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Module",
        required=True,
        index=True,
        check_company=True,
        help="The licensed software module (a product, e.g. a module of an accounting package).",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Responsible Manager",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    note = fields.Text()
    renews_id = fields.Many2one(
        "cert.license", index="btree_not_null", copy=False, check_company=True, ondelete="set null"
    )
    renewal_ids = fields.One2many("cert.license", "renews_id", string="Renewals")
    renewed_by_id = fields.Many2one(
        "cert.license", compute="_compute_renewed_by_id", store=True, index="btree_not_null"
    )
    check_state = fields.Selection(
        [("queued", "Check Waiting"), ("ok", "Confirmed"), ("invalid", "Not Confirmed"), ("error", "Check Failed")],
        string="Online Check",
        readonly=True,
        copy=False,
    )
    check_message = fields.Char(string="Online Check Result", readonly=True, copy=False)
    check_date = fields.Datetime(string="Checked On", readonly=True, copy=False)

    _sql_constraints = [
        ("license_key_company_uniq", "unique(license_key, company_id)", "A license key must be unique per company."),
        (
            "dates_check",
            "CHECK(valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)",
            "A license cannot end before it starts.",
        ),
    ]

    def _cert_notice_product(self):
        return self.product_id

    def _cert_reminder_label(self):
        return self.env._("license %(key)s (%(module)s)", key=self.license_key, module=self.product_id.name)

    @api.depends("renewal_ids")
    def _compute_renewed_by_id(self):
        for license_ in self:
            license_.renewed_by_id = license_.renewal_ids[:1]

    @api.depends("license_key", "partner_id")
    def _compute_display_name(self):
        for license_ in self:
            license_.display_name = (
                f"{license_.license_key} ({license_.partner_id.name})" if license_.partner_id else license_.license_key
            )

    @api.model
    def _cert_max_notice_days(self):
        """The largest notice period over all companies and products: how far ahead to look."""
        days = [0]
        texts = self.env["res.company"].sudo().search([]).mapped("cert_expiry_notice_days")
        self.env.cr.execute("SELECT DISTINCT cert_notice_days FROM product_template WHERE cert_notice_days <> ''")
        texts += [row[0] for row in self.env.cr.fetchall()]
        for text in texts:
            try:
                days.extend(parse_notice_days(text))
            except ValueError:
                continue
        return max(days)

    def action_renew(self):
        """Open a new license that renews this one, starting the day after it ends."""
        self.ensure_one()
        start = fields.Date.add(self.valid_to, days=1) if self.valid_to else fields.Date.context_today(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "cert.license",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_renews_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_manager_id": self.manager_id.id,
                "default_company_id": self.company_id.id,
                "default_valid_from": fields.Date.to_string(start),
                "default_valid_to": fields.Date.to_string(fields.Date.add(start, years=1, days=-1)),
            },
        }

    # ------------------------------------------------------------------
    # Online check against the vendor's API
    # ------------------------------------------------------------------

    def action_check_online(self):
        """Have jobs ask the vendor's API whether each license is valid; each license shows its result."""
        for license_company in self.company_id:
            company = license_company.sudo()
            if not company.cert_vendor_api_url:
                raise UserError(_("Set the license vendor API URL in the settings of %s first.", company.name))
        for _company, licenses in self.grouped("company_id").items():
            for batch in split_every(CHECK_BATCH_SIZE, licenses.ids, self.browse):
                batch.with_delay(
                    channel="root.cert_issuance",
                    description=_("Check %s licenses with the vendor", len(batch)),
                )._cert_check_online_batch()
        self.write({"check_state": "queued", "check_message": _("The check with the vendor is under way.")})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("%s licenses are being checked with the vendor; each shows its result.", len(self)),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _cert_check_online_batch(self):
        """Job: ask the vendor about these licenses (one company) and store each answer."""
        company = self.company_id.sudo()
        session = requests.Session()
        for license_ in self.exists():
            license_.write(license_._cert_check_online(session, company))
        return _("%s licenses checked", len(self))

    @api.model
    def _cert_import_batch(self, wizard_id, vals_list):
        """Job: create or update the licenses of one part of an imported file; report on the import wizard."""
        licenses = self.with_context(active_test=False)
        company_ids = {vals["company_id"] for vals in vals_list}
        existing = {
            (lic.license_key, lic.company_id.id): lic
            for lic in licenses.search(
                [
                    ("license_key", "in", [vals["license_key"] for vals in vals_list]),
                    ("company_id", "in", list(company_ids)),
                ]
            )
        }
        to_create, updated = [], 0
        for vals in vals_list:
            license_ = existing.get((vals["license_key"], vals["company_id"]))
            if license_:
                license_.write(dict(vals, active=True))
                updated += 1
            else:
                to_create.append(vals)
        licenses.create(to_create)
        wizard = self.env["cert.license.import"].browse(wizard_id).exists()
        if wizard:
            done = wizard.job_done + 1
            wizard.write(
                {
                    "job_done": done,
                    "state": "done" if done >= wizard.job_count else "importing",
                    "created_count": wizard.created_count + len(to_create),
                    "updated_count": wizard.updated_count + updated,
                }
            )
            wizard._write_result()
        return _("%(created)s licenses created, %(updated)s updated", created=len(to_create), updated=updated)

    def _cert_check_online(self, session, company):
        url = company.cert_vendor_api_url.rstrip("/") + "/licenses/check"
        headers = {"Accept": "application/json"}
        if company.cert_vendor_api_token:
            headers["Authorization"] = f"Bearer {company.cert_vendor_api_token}"
        params = {"key": self.license_key, "customer": self.partner_id.company_registry or ""}
        values = {"check_date": fields.Datetime.now()}
        try:
            response = session.get(url, params=params, headers=headers, timeout=company.cert_vendor_api_timeout or 10)
        except requests.Timeout:
            return dict(values, check_state="error", check_message=_("The vendor did not answer in time."))
        except requests.RequestException as error:
            _logger.warning("License check of %s failed: %s", self.license_key, error)
            return dict(values, check_state="error", check_message=_("The vendor cannot be reached: %s", error))
        if response.status_code == 404:
            return dict(values, check_state="invalid", check_message=_("The vendor does not know this license."))
        if response.status_code != 200:
            return dict(
                values,
                check_state="error",
                check_message=_("The vendor answered HTTP %s.", response.status_code),
            )
        try:
            data = response.json()
        except ValueError:
            return dict(values, check_state="error", check_message=_("The vendor's answer is not JSON."))
        valid = bool(data.get("valid"))
        message = data.get("message") or (_("Valid") if valid else _("Not valid"))
        if valid and data.get("valid_to"):
            message = _("%(message)s, until %(date)s", message=message, date=data["valid_to"])
        return dict(values, check_state="ok" if valid else "invalid", check_message=message[:255])

    @api.model
    def _cron_check_online(self, limit=200):
        """Online check of active licenses, oldest check first, by jobs."""
        companies = self.env["res.company"].sudo().search([("cert_vendor_api_url", "!=", False)])
        licenses = self.search([("company_id", "in", companies.ids)], order="check_date asc nulls first", limit=limit)
        licenses.action_check_online()
        return licenses
