from odoo import models

from .subscription_subscription import SUBSCRIPTION_MODEL


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    def _get_recipients(self):
        """One subscription per customer: a subscriber is mailed once per mailing.

        Odoo cancels a second email to the same address only when both render the same text,
        and a second SMS to the same number always; a mailing that names the contract or tariff
        would reach a customer with two subscriptions twice.
        """
        res_ids = super()._get_recipients()
        if self.mailing_model_real != SUBSCRIPTION_MODEL:
            return res_ids
        return self.env[SUBSCRIPTION_MODEL].browse(res_ids)._mailing_one_per_subscriber().ids

    def _compute_total(self):
        """Subscribers, not subscriptions, for a mailing to subscriptions (without A/B testing)."""
        result = super()._compute_total()
        for mailing in self.filtered(lambda m: m.mailing_model_real == SUBSCRIPTION_MODEL and not m.ab_testing_enabled):
            [(mailing.total,)] = self.env[SUBSCRIPTION_MODEL]._read_group(
                mailing._get_recipients_domain(), aggregates=["partner_id:count_distinct"]
            )
        return result
