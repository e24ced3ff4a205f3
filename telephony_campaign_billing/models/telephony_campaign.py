from datetime import timedelta

from odoo import _, api, fields, models


class TelephonyCampaign(models.Model):
    _inherit = "telephony.campaign"

    debtor_days = fields.Integer(
        "Debtors Over (days)",
        help="Fill with the customers who have an invoice unpaid this many days after its due date (0: not used).",
    )
    tariff_ids = fields.Many2many(
        "subscription.tariff",
        "telephony_campaign_tariff_rel",
        "campaign_id",
        "tariff_id",
        string="Customers of Tariffs",
        help="Fill with the customers whose running subscription has one of these tariffs.",
    )
    collected_amount = fields.Monetary("Collected", compute="_compute_collected", currency_field="currency_id")

    _sql_constraints = [("debtor_days", "CHECK(debtor_days >= 0)", "The number of overdue days cannot be negative.")]

    @api.depends("contact_ids.collected_amount")
    def _compute_collected(self):
        groups = dict(
            self.env["telephony.campaign.contact"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["collected_amount:sum"]
            )
        )
        for campaign in self:
            campaign.collected_amount = groups.get(campaign, 0.0)

    def _has_partner_source(self):
        return super()._has_partner_source() or bool(self.debtor_days or self.tariff_ids)

    def _partners_to_add(self):
        partners = super()._partners_to_add()
        if self.debtor_days:
            partners |= self._debtors(self.debtor_days)
        if self.tariff_ids:
            partners |= self._tariff_customers()
        return partners

    def _debtors(self, days):
        """Customers (commercial partners) of the campaign's company with a posted invoice still
        open ``days`` days after its due date, the longest overdue first."""
        self.ensure_one()
        today = self.company_id._subscription_today()
        groups = self.env["account.move"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today - timedelta(days=days)),
            ],
            ["commercial_partner_id"],
            ["invoice_date_due:min"],
            order="invoice_date_due:min",
        )
        return self.env["res.partner"].union(*(partner for partner, __ in groups))

    def _tariff_customers(self):
        """Customers whose active (or suspended) subscription has a running line of the campaign's tariffs."""
        self.ensure_one()
        today = self.company_id._subscription_today()
        lines = self.env["subscription.line"].search(
            [
                ("tariff_id", "in", self.tariff_ids.ids),
                ("subscription_id.state", "in", ("active", "suspended")),
                ("subscription_id.company_id", "=", self.company_id.id),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
            ],
            order="subscription_id",
        )
        return lines.subscription_id.partner_id

    def action_update_collected(self):
        """Recount the payments received since each promise of these campaigns."""
        contacts = self.contact_ids.filtered(lambda contact: contact.outcome == "promise")
        contacts._update_collected()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Amounts collected recounted for %s promises.", len(contacts)),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_update_collected(self, limit=2000):
        """Daily: recount the collected amounts of the promises of running campaigns (and of the
        campaigns closed in the last 60 days, whose promises are still being paid)."""
        now = fields.Datetime.now()
        recent = now - timedelta(days=60)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        contacts = self.env["telephony.campaign.contact"].search(
            [
                ("outcome", "=", "promise"),
                "|",
                ("collected_date", "=", False),
                ("collected_date", "<", day_start),
                "|",
                ("campaign_id.state", "=", "running"),
                ("campaign_id.write_date", ">=", recent),
            ],
            limit=limit,
            order="collected_date asc nulls first, id",
        )
        contacts._update_collected()
        if len(contacts) == limit:
            self.env.ref("telephony_campaign_billing.ir_cron_update_collected")._trigger()
