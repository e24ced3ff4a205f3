import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    subscription_reference_pattern = fields.Char(
        "Payment Reference Pattern",
        help="Regular expression finding a contract or account number in a bank line's text; "
        "its first group is the number (e.g. 'K-?(\\d+)'). Bank journals may set their own.",
    )

    @api.constrains("subscription_reference_pattern")
    def _check_subscription_reference_pattern(self):
        for company in self.filtered("subscription_reference_pattern"):
            try:
                re.compile(company.subscription_reference_pattern)
            except re.error as error:
                raise ValidationError(
                    self.env._(
                        "The payment reference pattern of %(journal)s is not a valid regular expression: %(error)s",
                        journal=company.name,
                        error=error,
                    )
                ) from error
