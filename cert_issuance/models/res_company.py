from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.notice_days import parse_notice_days


class ResCompany(models.Model):
    _inherit = "res.company"

    cert_expiry_notice_days = fields.Char(
        string="Expiry Notice Days",
        default="30,14,7,1",
        required=True,
        help="Days before expiry on which the responsible manager gets a renewal task, "
        "comma separated (for example 30,14,7,1).",
    )

    @api.constrains("cert_expiry_notice_days")
    def _check_cert_expiry_notice_days(self):
        for company in self:
            try:
                parse_notice_days(company.cert_expiry_notice_days)
            except ValueError as error:
                raise ValidationError(
                    _("Expiry notice days of %(company)s: %(error)s", company=company.name, error=error)
                ) from error
