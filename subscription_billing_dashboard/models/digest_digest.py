from odoo import fields, models
from odoo.exceptions import AccessError


class DigestDigest(models.Model):
    _inherit = "digest.digest"

    kpi_subscription_mrr = fields.Boolean("Recurring Revenue (MRR)")
    kpi_subscription_mrr_value = fields.Monetary(
        "Recurring Revenue Value", compute="_compute_kpi_subscription_mrr_value"
    )
    kpi_subscription_collected = fields.Boolean("Collected from Customers")
    kpi_subscription_collected_value = fields.Monetary(
        "Collected Value", compute="_compute_kpi_subscription_collected_value"
    )

    def _check_subscription_kpi_access(self):
        if not self.env.user.has_group("subscription_billing.group_subscription_billing_user"):
            raise AccessError(self.env._("Do not have access, skip this data for user's digest email"))

    def _compute_kpi_subscription_mrr_value(self):
        """The MRR now (a level, the same for each period of the digest): what the active and
        suspended subscriptions bill per month, taxes excluded, as the subscriptions list totals it."""
        self._check_subscription_kpi_access()
        _start, _end, companies = self._get_kpi_compute_parameters()
        mrr = dict(
            self.env["subscription.subscription"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids), ("state", "in", ("active", "suspended"))],
                ["company_id"],
                ["recurring_monthly:sum"],
            )
        )
        for digest in self:
            digest.kpi_subscription_mrr_value = mrr.get(digest.company_id or self.env.company, 0.0)

    def _compute_kpi_subscription_collected_value(self):
        """Customer payments received in the period, in the company's currency."""
        self._check_subscription_kpi_access()
        start, end, companies = self._get_kpi_compute_parameters()
        collected = dict(
            self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("payment_type", "=", "inbound"),
                    ("partner_type", "=", "customer"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">", start),
                    ("date", "<=", end),
                ],
                ["company_id"],
                ["amount_company_currency_signed:sum"],
            )
        )
        for digest in self:
            digest.kpi_subscription_collected_value = collected.get(digest.company_id or self.env.company, 0.0)

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        actions["kpi_subscription_mrr"] = "subscription_billing.action_subscription_mrr_report"
        actions["kpi_subscription_collected"] = "account.action_account_payments"
        return actions
