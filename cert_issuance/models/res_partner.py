from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.registry_code import RegistryCodeError, validate_registry_code


class ResPartner(models.Model):
    _inherit = "res.partner"

    cert_license_count = fields.Integer(compute="_compute_cert_counts", groups="cert_issuance.group_cert_issuance_user")
    cert_set_count = fields.Integer(compute="_compute_cert_counts", groups="cert_issuance.group_cert_issuance_user")

    def _compute_cert_counts(self):
        licenses = dict(
            self.env["cert.license"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        sets = dict(
            self.env["cert.certificate.set"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cert_license_count = licenses.get(partner, 0)
            partner.cert_set_count = sets.get(partner, 0)

    def _cert_action(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_cert_view_licenses(self):
        self.ensure_one()
        return self._cert_action("cert_issuance.cert_license_action")

    def action_cert_view_sets(self):
        self.ensure_one()
        return self._cert_action("cert_issuance.cert_certificate_set_action")

    @api.constrains("company_registry", "country_id")
    def _check_cert_company_registry(self):
        for partner in self.filtered(lambda p: p.company_registry and p.is_company):
            try:
                validate_registry_code(partner.company_registry, partner.country_id.code)
            except RegistryCodeError as error:
                raise ValidationError(
                    _("Company ID of %(partner)s: %(error)s", partner=partner.name, error=error)
                ) from error
