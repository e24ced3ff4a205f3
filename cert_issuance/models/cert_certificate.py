from odoo import api, fields, models


class CertCertificate(models.Model):
    _name = "cert.certificate"
    _inherit = ["cert.expiry.mixin"]
    _description = "E-Signature Certificate"
    _order = "set_id, valid_to, id"
    _rec_name = "owner_name"

    set_id = fields.Many2one(
        "cert.certificate.set", string="Certificate Set", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="set_id.partner_id", store=True, index=True)
    manager_id = fields.Many2one(related="set_id.manager_id", store=True)
    company_id = fields.Many2one(related="set_id.company_id", store=True, index=True)
    set_state = fields.Selection(related="set_id.state", string="Set Status")
    payment_date = fields.Date(related="set_id.payment_date")
    region = fields.Char(related="set_id.region")
    registration_admin_id = fields.Many2one(related="set_id.registration_admin_id")
    documents_complete = fields.Boolean(related="set_id.documents_complete")
    owner_name = fields.Char(string="Owner", required=True)
    owner_tax_id = fields.Char(string="Owner Tax ID")
    owner_email = fields.Char()
    purpose = fields.Selection(
        [("signing", "Signing"), ("encryption", "Encryption"), ("authentication", "Authentication")],
        required=True,
        default="signing",
    )
    serial = fields.Char(string="Serial Number", index="btree_not_null", copy=False)
    renews_id = fields.Many2one("cert.certificate", index="btree_not_null", copy=False, ondelete="set null")
    renewal_ids = fields.One2many("cert.certificate", "renews_id", string="Renewals")
    renewed_by_id = fields.Many2one(
        "cert.certificate", compute="_compute_renewed_by_id", store=True, index="btree_not_null"
    )
    tax_id_valid = fields.Boolean(compute="_compute_tax_id_valid", string="Tax ID Checked")

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)",
            "A certificate cannot end before it starts.",
        ),
    ]

    def _cert_notice_product(self):
        return self.set_id.product_id

    def _cert_reminder_label(self):
        return self.env._("certificate of %(owner)s (%(set)s)", owner=self.display_name, set=self.set_id.name)

    @api.depends("renewal_ids")
    def _compute_renewed_by_id(self):
        for cert in self:
            cert.renewed_by_id = cert.renewal_ids[:1]

    @api.depends("owner_tax_id", "set_id.partner_id.country_id")
    def _compute_tax_id_valid(self):
        from stdnum.util import get_cc_module

        for cert in self:
            country = (cert.set_id.partner_id.country_id.code or "").lower()
            module = get_cc_module(country, "vat") if country else None
            cert.tax_id_valid = bool(cert.owner_tax_id and module and module.is_valid(cert.owner_tax_id))

    @api.depends("owner_name", "purpose", "serial")
    def _compute_display_name(self):
        purposes = dict(self._fields["purpose"]._description_selection(self.env))
        for cert in self:
            cert.display_name = (
                f"{cert.owner_name} ({purposes.get(cert.purpose, '')}{', ' + cert.serial if cert.serial else ''})"
            )

    def _cert_fill_partner(self):
        """Fill empty partner data (tax id, email) from the certificate owner data."""
        for cert in self:
            partner = cert.set_id.partner_id
            vals = {}
            if cert.owner_tax_id and not partner.vat:
                vals["vat"] = cert.owner_tax_id
            if cert.owner_email and not partner.email:
                vals["email"] = cert.owner_email
            if vals:
                partner.write(vals)
