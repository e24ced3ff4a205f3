from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.documents import amount_in_words

PIPELINE = [
    ("draft", "Draft"),
    ("invoiced", "Invoiced"),
    ("paid", "Paid"),
    ("ordered", "Ordered"),
    ("generated", "Generated"),
    ("closed", "Closed"),
]


class CertCertificateSet(models.Model):
    _name = "cert.certificate.set"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "E-Signature Certificate Set"
    _order = "id desc"

    name = fields.Char(required=True, copy=False, readonly=True, default="/", index="trigram")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Set Product",
        required=True,
        tracking=True,
        check_company=True,
        help="The product that gives the price of the certificate set.",
    )
    price_unit = fields.Monetary(
        string="Price", compute="_compute_price_unit", store=True, readonly=False, currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    contract_type = fields.Selection(
        [("commercial", "Commercial"), ("public", "Public Sector")],
        required=True,
        default="commercial",
        tracking=True,
    )
    region = fields.Char(index=True)
    manager_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    registration_admin_id = fields.Many2one("res.users", index="btree_not_null")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    # group_expand: the kanban shows every stage, empty ones too, in pipeline order.
    state = fields.Selection(
        PIPELINE, default="draft", required=True, index=True, tracking=True, copy=False, group_expand=True
    )
    invoice_id = fields.Many2one("account.move", copy=False, index="btree_not_null", readonly=True)
    invoice_payment_state = fields.Selection(related="invoice_id.payment_state", string="Payment Status")
    invoice_date = fields.Date(copy=False, readonly=True)
    payment_date = fields.Date(copy=False, readonly=True, tracking=True)
    ordered_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    ordered_date = fields.Date(copy=False, readonly=True)
    generated_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    generated_date = fields.Date(copy=False, readonly=True)
    closed_date = fields.Date(copy=False, readonly=True)
    documents_complete = fields.Boolean(tracking=True, copy=False)
    documents_location = fields.Selection(
        [("auto_renewal", "Auto-Renewal"), ("box_to_ship", "Box to Ship"), ("archive", "Archive")],
        tracking=True,
        copy=False,
        help="Where the signed documents of this set are.",
    )
    certificate_ids = fields.One2many("cert.certificate", "set_id", string="Certificates", copy=True)
    certificate_count = fields.Integer(compute="_compute_certificate_count", store=True)
    next_expiry_date = fields.Date(compute="_compute_next_expiry_date", store=True, index=True)
    note = fields.Html()
    contract_date = fields.Date(
        default=fields.Date.context_today,
        copy=False,
        help="The date printed on the contract.",
    )

    @api.depends("product_id")
    def _compute_price_unit(self):
        for cert_set in self:
            cert_set.price_unit = cert_set.product_id.lst_price

    @api.depends("certificate_ids")
    def _compute_certificate_count(self):
        for cert_set in self:
            cert_set.certificate_count = len(cert_set.certificate_ids)

    @api.depends("certificate_ids.valid_to")
    def _compute_next_expiry_date(self):
        for cert_set in self:
            dates = cert_set.certificate_ids.filtered("valid_to").mapped("valid_to")
            cert_set.next_expiry_date = min(dates) if dates else False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cert.certificate.set") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Pipeline
    # ------------------------------------------------------------------

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda s: s.state not in allowed)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(action)s is not possible for %(set)s: it is %(state)s.",
                    action=action,
                    set=wrong[0].name,
                    state=states[wrong[0].state],
                )
            )

    def _prepare_invoice_vals(self):
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "invoice_origin": self.name,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "product_id": self.product_id.id,
                        "name": f"{self.product_id.display_name} ({self.name})",
                        "quantity": 1,
                        "price_unit": self.price_unit,
                    }
                )
            ],
        }

    def action_create_invoice(self):
        """Invoice the set product to the customer (posted) and move the sets to invoiced."""
        self._check_state(["draft"], _("Invoicing"))
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(_("Invoicing a certificate set needs the Invoicing / Billing access rights."))
        moves = self.env["account.move"].create([cert_set._prepare_invoice_vals() for cert_set in self])
        moves.action_post()
        moves._message_log_batch(
            {
                move.id: Markup(self.env._("Created from the certificate set %(set)s."))
                % {"set": cert_set._get_html_link()}
                for cert_set, move in zip(self, moves, strict=True)
            }
        )
        for cert_set, move in zip(self, moves, strict=True):
            cert_set.write({"invoice_id": move.id, "state": "invoiced", "invoice_date": move.invoice_date})
        return self.action_view_invoice() if len(self) == 1 else True

    def _cert_mark_paid(self, payment_date=None):
        """Called when the invoice is paid: invoiced sets become paid."""
        to_pay = self.filtered(lambda s: s.state in ("draft", "invoiced"))
        to_pay.write({"state": "paid", "payment_date": payment_date or fields.Date.context_today(self)})
        return to_pay

    def action_mark_ordered(self):
        self._check_state(["paid"], _("Ordering"))
        self.write(
            {"state": "ordered", "ordered_by_id": self.env.user.id, "ordered_date": fields.Date.context_today(self)}
        )

    def action_mark_generated(self):
        self._check_state(["ordered"], _("Generating"))
        missing = self.filtered(lambda s: not s.certificate_ids)
        if missing:
            raise UserError(_("Add the certificates of %s before marking it generated.", missing[0].name))
        self.write(
            {
                "state": "generated",
                "generated_by_id": self.env.user.id,
                "generated_date": fields.Date.context_today(self),
            }
        )

    def action_close(self):
        self._check_state(["generated"], _("Closing"))
        incomplete = self.filtered(lambda s: not s.documents_complete)
        if incomplete:
            raise UserError(_("The documents of %s are not complete yet.", incomplete[0].name))
        self.write({"state": "closed", "closed_date": fields.Date.context_today(self)})

    def action_reset_draft(self):
        self._check_state(["invoiced"], _("Resetting to draft"))
        if self.invoice_id.filtered(lambda m: m.payment_state not in ("not_paid", "reversed")):
            raise UserError(_("The invoice is already (partly) paid."))
        self.invoice_id.filtered(lambda m: m.state == "posted").button_draft()
        self.invoice_id.button_cancel()
        self.write({"state": "draft", "invoice_id": False, "invoice_date": False})

    def action_renew(self):
        """A new draft set for the same customer whose certificates renew these ones."""
        self.ensure_one()
        renewal = self.create(
            {
                "partner_id": self.partner_id.id,
                "product_id": self.product_id.id,
                "contract_type": self.contract_type,
                "region": self.region,
                "manager_id": self.manager_id.id,
                "registration_admin_id": self.registration_admin_id.id,
                "company_id": self.company_id.id,
                "certificate_ids": [
                    fields.Command.create(
                        {
                            "owner_name": cert.owner_name,
                            "owner_tax_id": cert.owner_tax_id,
                            "owner_email": cert.owner_email,
                            "purpose": cert.purpose,
                            "renews_id": cert.id,
                        }
                    )
                    for cert in self.certificate_ids.filtered(lambda c: not c.renewed_by_id)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": renewal.id,
            "view_mode": "form",
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.invoice_id.id,
        }

    # ------------------------------------------------------------------
    # Printouts
    # ------------------------------------------------------------------

    def _cert_party_codes(self, partner):
        """[(label, code)] of ``partner``'s registry code and tax id, labelled as its country calls them."""
        _ = self.env._
        labels = {
            "UA": (_("EDRPOU code"), _("Individual tax number (IPN)")),
            "PL": (_("REGON"), _("NIP")),
            "RU": (_("OGRN"), _("INN")),
            "IL": (_("Company number"), _("VAT ID")),
        }.get(partner.country_id.code) or (_("Company ID"), _("Tax ID"))
        codes = zip(labels, (partner.company_registry, partner.vat), strict=True)
        return [(label, code) for label, code in codes if code]

    def _cert_document_amounts(self):
        """Lines and totals the contract and the act print, in the set's currency.

        Once invoiced, they are the invoice's own lines and totals (VAT included), so the act
        states what the invoice states; before, the set price with the product's taxes as the
        customer's fiscal position maps them.
        """
        self.ensure_one()
        currency = self.invoice_id.currency_id or self.currency_id
        if self.invoice_id:
            invoice = self.invoice_id
            lines = [
                {
                    "name": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "taxes": ", ".join(line.tax_ids.mapped("name")),
                    "subtotal": line.price_subtotal,
                }
                for line in invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            ]
            untaxed, tax, total = invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total
        else:
            taxes = self.product_id.taxes_id.filtered(lambda tax: tax.company_id in self.company_id.parent_ids)
            position = (
                self.env["account.fiscal.position"].with_company(self.company_id)._get_fiscal_position(self.partner_id)
            )
            taxes = position.map_tax(taxes)
            computed = taxes.compute_all(
                self.price_unit, currency=currency, quantity=1, product=self.product_id, partner=self.partner_id
            )
            untaxed, total = computed["total_excluded"], computed["total_included"]
            tax = total - untaxed
            lines = [
                {
                    "name": self.product_id.display_name,
                    "quantity": 1,
                    "price_unit": self.price_unit,
                    "taxes": ", ".join(taxes.mapped("name")),
                    "subtotal": untaxed,
                }
            ]
        words = amount_in_words(total, currency.name, self.env.lang) or currency.amount_to_text(total)
        return {"currency": currency, "lines": lines, "untaxed": untaxed, "tax": tax, "total": total, "words": words}

    def _cert_bank_account(self):
        """The company's bank account printed for payment: the sale journal's, else the company's first."""
        self.ensure_one()
        journal = self.invoice_id.journal_id
        return journal.bank_account_id or self.invoice_id.partner_bank_id or self.company_id.partner_id.bank_ids[:1]

    def _cert_act_date(self):
        self.ensure_one()
        return self.generated_date or self.closed_date or fields.Date.context_today(self)

    def action_print_invoice(self):
        if not self.invoice_id:
            raise UserError(_("Create the invoice first."))
        return self.env.ref("account.account_invoices").report_action(self.invoice_id)

    def action_print_contract(self):
        self.env["ir.actions.report"]._cert_check_pdf_printable()
        return self.env.ref("cert_issuance.action_report_cert_contract").report_action(self)

    def action_print_acceptance(self):
        self.env["ir.actions.report"]._cert_check_pdf_printable()
        return self.env.ref("cert_issuance.action_report_cert_acceptance").report_action(self)

    def action_fill_partner(self):
        """Fill the customer's empty tax id from the certificates of the set."""
        for cert_set in self:
            cert_set.certificate_ids._cert_fill_partner()
        return True
