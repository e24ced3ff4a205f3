import logging

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.notice_days import parse_notice_days

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
        [("ok", "Confirmed"), ("invalid", "Not Confirmed"), ("error", "Check Failed")],
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
        """Ask the vendor's API whether each license is valid; store the result and date."""
        for license_company, licenses in self.grouped("company_id").items():
            company = license_company.sudo()
            if not company.cert_vendor_api_url:
                raise UserError(_("Set the license vendor API URL in the settings of %s first.", company.name))
            session = requests.Session()
            for license_ in licenses:
                license_.write(license_._cert_check_online(session, company))
        return True

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
        """Batch online check of active licenses, oldest check first."""
        companies = self.env["res.company"].sudo().search([("cert_vendor_api_url", "!=", False)])
        licenses = self.search([("company_id", "in", companies.ids)], order="check_date asc nulls first", limit=limit)
        licenses.action_check_online()
        return licenses
