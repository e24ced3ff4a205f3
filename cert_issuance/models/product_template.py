from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.notice_days import parse_notice_days


class ProductTemplate(models.Model):
    _inherit = "product.template"

    cert_notice_days = fields.Char(
        string="Expiry Notice Days",
        help="Days before a license or certificate of this product expires on which the "
        "manager gets a renewal task, comma separated. Empty: the company setting.",
    )

    @api.constrains("cert_notice_days")
    def _check_cert_notice_days(self):
        for template in self.filtered("cert_notice_days"):
            try:
                parse_notice_days(template.cert_notice_days)
            except ValueError as error:
                raise ValidationError(
                    _("Expiry notice days of %(product)s: %(error)s", product=template.display_name, error=error)
                ) from error

    def _cert_notice_days(self, company):
        """Notice days of this product, falling back to the company setting."""
        text = (self[:1].cert_notice_days or "").strip() or company.cert_expiry_notice_days
        return parse_notice_days(text)
