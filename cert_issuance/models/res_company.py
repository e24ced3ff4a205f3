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
    cert_renewal_invoice = fields.Boolean(
        string="Draft Renewal Invoices",
        help="With the first expiry reminder of a license or certificate, create a draft renewal invoice.",
    )
    cert_renewal_customer_notice = fields.Boolean(
        string="Email Customers Before Expiry",
        help="Send the customer an email with each expiry reminder.",
    )
    cert_vendor_api_url = fields.Char(
        string="License Vendor API URL",
        help="Base address of the software vendor's license check API, e.g. https://vendor.example/api",
    )
    cert_vendor_api_token = fields.Char(string="License Vendor API Token", groups="base.group_system")
    cert_vendor_api_timeout = fields.Integer(string="License Vendor API Timeout (s)", default=10)

    @api.constrains("cert_expiry_notice_days")
    def _check_cert_expiry_notice_days(self):
        for company in self:
            try:
                parse_notice_days(company.cert_expiry_notice_days)
            except ValueError as error:
                raise ValidationError(
                    _("Expiry notice days of %(company)s: %(error)s", company=company.name, error=error)
                ) from error
