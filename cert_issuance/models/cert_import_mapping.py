from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.import_rows import FIELDS


class CertImportMapping(models.Model):
    """A saved column mapping of license list files: which column holds which field."""

    _name = "cert.import.mapping"
    _description = "License Import Column Mapping"
    _order = "name"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    delimiter = fields.Char(help="CSV delimiter; empty means detected from the file.", size=1)
    has_header = fields.Boolean(default=True)
    col_partner_ref = fields.Char(string="Customer Registry Code Column")
    col_partner_name = fields.Char(string="Customer Name Column")
    col_product = fields.Char(string="Module Column", required=True)
    col_license_key = fields.Char(string="License Key Column", required=True)
    col_valid_from = fields.Char(string="Valid From Column")
    col_valid_to = fields.Char(string="Valid Until Column", required=True)
    col_manager = fields.Char(string="Manager Login Column")

    @api.constrains("col_partner_ref", "col_partner_name")
    def _check_customer_column(self):
        for mapping in self:
            if not mapping.col_partner_ref and not mapping.col_partner_name:
                raise ValidationError(
                    _("The mapping %s needs a customer column (registry code or name).", mapping.name)
                )

    def _as_dict(self):
        self.ensure_one()
        return {field: self[f"col_{field}"] for field in FIELDS if self[f"col_{field}"]}
