from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import autopay


class SubscriptionDunningPolicy(models.Model):
    _inherit = "subscription.dunning.policy"

    autopay_retry_days = fields.Char(
        "Retry Declined Card After (days)",
        default="1,3,7",
        help="Days after the first automatic charge on which a declined card is charged again, "
        "separated by commas. After the last attempt the reminder steps take over.",
    )
    autopay_declined_template_id = fields.Many2one(
        "mail.template",
        "Card Declined Email",
        domain=[("model", "=", "account.move")],
        default=lambda self: self.env.ref(
            "subscription_billing_portal.mail_template_autopay_declined", raise_if_not_found=False
        ),
        help="Sent to the customer each time an automatic charge is declined, with the link that pays the invoice.",
    )

    @api.constrains("autopay_retry_days")
    def _check_autopay_retry_days(self):
        for policy in self:
            try:
                autopay.parse_retry_days(policy.autopay_retry_days)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: the retry days of declined cards must be rising whole days "
                        "separated by commas, such as 1,3,7 (%(error)s).",
                        policy=policy.name,
                        error=error,
                    )
                ) from error

    def _autopay_retry_days(self):
        self.ensure_one()
        return autopay.parse_retry_days(self.autopay_retry_days)

    def _due_messages(self, today):
        """No reminder while a declined card is still to be charged again: dunning takes over after the last try."""
        due = super()._due_messages(today)
        if not due:
            return due
        retrying = set(
            self.env["account.move"]
            .sudo()
            .search([("id", "in", [row[0] for row in due]), ("subscription_autopay_next_date", "!=", False)])
            .ids
        )
        return [row for row in due if row[0] not in retrying]
