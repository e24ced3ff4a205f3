import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountJournal(models.Model):
    _inherit = "account.journal"

    subscription_reference_pattern = fields.Char(
        "Payment Reference Pattern",
        help="Regular expression finding a contract or account number in this bank's lines; "
        "its first group is the number. Empty: the company's pattern.",
    )

    @api.constrains("subscription_reference_pattern")
    def _check_subscription_reference_pattern(self):
        for journal in self.filtered("subscription_reference_pattern"):
            try:
                re.compile(journal.subscription_reference_pattern)
            except re.error as error:
                raise ValidationError(
                    self.env._(
                        "The payment reference pattern of %(journal)s is not a valid regular expression: %(error)s",
                        journal=journal.display_name,
                        error=error,
                    )
                ) from error

    def _subscription_reference_patterns(self):
        self.ensure_one()
        return [p for p in (self.subscription_reference_pattern, self.company_id.subscription_reference_pattern) if p]
