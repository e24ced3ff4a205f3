from odoo import api, fields, models

from ..tools import matching


class ResPartner(models.Model):
    _inherit = "res.partner"

    bank_reference_key = fields.Char(
        compute="_compute_bank_keys",
        store=True,
        index="btree_not_null",
        help="The subscriber account number (the partner's reference) as bank lines are compared with it.",
    )
    bank_tax_id_key = fields.Char(
        compute="_compute_bank_keys",
        store=True,
        index="btree_not_null",
        help="Tax id (EDRPOU, INN, NIP, PESEL) in digits, as bank lines are compared with it.",
    )
    bank_name_key = fields.Char(
        compute="_compute_bank_keys",
        store=True,
        index="btree_not_null",
        help="The name as payer names are compared with it: case, look-alike letters and legal form folded.",
    )

    @api.depends("ref", "vat", "company_registry", "name")
    def _compute_bank_keys(self):
        for partner in self:
            partner.bank_reference_key = matching.reference_key(partner.ref) or False
            partner.bank_tax_id_key = (
                matching.tax_id_key(partner.vat) or matching.tax_id_key(partner.company_registry) or False
            )
            partner.bank_name_key = matching.name_key(partner.name) or False
