from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.registry_code import RegistryCodeError, validate_registry_code


class ResPartner(models.Model):
    _inherit = "res.partner"

    cert_license_ids = fields.One2many("cert.license", "partner_id", string="Licenses")
    cert_set_ids = fields.One2many("cert.certificate.set", "partner_id", string="Certificate Sets")

    @api.constrains("company_registry", "country_id")
    def _check_cert_company_registry(self):
        for partner in self.filtered(lambda p: p.company_registry and p.is_company):
            try:
                validate_registry_code(partner.company_registry, partner.country_id.code)
            except RegistryCodeError as error:
                raise ValidationError(
                    _("Company ID of %(partner)s: %(error)s", partner=partner.name, error=error)
                ) from error
