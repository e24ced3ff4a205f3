from odoo import api, fields, models

from ..tools.expiry import days_left, expiry_state

STATES = [("draft", "Not Valid Yet"), ("valid", "Valid"), ("expiring", "Expiring"), ("expired", "Expired")]


class CertExpiryMixin(models.AbstractModel):
    """Validity dates, a state computed from them and renewal links of licenses and certificates."""

    _name = "cert.expiry.mixin"
    _description = "Expiring Item (license or certificate)"

    valid_from = fields.Date()
    valid_to = fields.Date(string="Valid Until", index=True)
    state = fields.Selection(
        STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="Computed from the dates; the daily expiry job refreshes it.",
    )
    days_left = fields.Integer(compute="_compute_days_left", help="Days until the end of validity")

    def _cert_notice_product(self):
        """The product whose notice days apply to this item (a product.product, maybe empty)."""
        raise NotImplementedError

    def _cert_notice_days(self):
        self.ensure_one()
        return self._cert_notice_product().product_tmpl_id._cert_notice_days(self.company_id or self.env.company)

    @api.depends("valid_from", "valid_to")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for item in self:
            warn_days = max(item._cert_notice_days())
            item.state = expiry_state(item.valid_from, item.valid_to, today, warn_days)

    @api.depends("valid_to")
    def _compute_days_left(self):
        today = fields.Date.context_today(self)
        for item in self:
            item.days_left = days_left(item.valid_to, today) or 0

    @api.model
    def _cert_refresh_states(self):
        """Recompute the stored state of items whose state may have moved with the date."""
        today = fields.Date.context_today(self)
        horizon = fields.Date.add(today, days=self.env["cert.license"]._cert_max_notice_days() + 1)
        items = self.search(
            [
                "|",
                "|",
                "&",
                ("state", "!=", "expired"),
                ("valid_to", "<", today),
                "&",
                ("state", "=", "valid"),
                ("valid_to", "<=", horizon),
                "&",
                ("state", "=", "draft"),
                ("valid_from", "<=", today),
            ]
        )
        items._compute_state()
        return items

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        for item in items.filtered("renews_id"):
            item.renews_id._cert_close_reminders(item)
        return items

    def write(self, vals):
        res = super().write(vals)
        if vals.get("renews_id"):
            for item in self:
                item.renews_id._cert_close_reminders(item)
        return res

    def _cert_close_reminders(self, renewal):
        """Mark the open expiry reminders of these items done: ``renewal`` renews them."""
        reminders = self.env["cert.expiry.reminder"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_id", "!=", False)]
        )
        activities = reminders.activity_id.exists()
        if activities:
            activities.action_feedback(
                feedback=self.env._("Renewed by %(renewal)s", renewal=renewal.display_name),
            )

    def _cert_reminder_label(self):
        """How a reminder names this item."""
        return self.display_name

    def _cert_reminder_summary(self, valid_to, notice_day):
        self.ensure_one()
        return self.env._(
            "Renew %(item)s of %(customer)s: expires on %(date)s (%(days)s days)",
            item=self._cert_reminder_label(),
            customer=self.partner_id.name,
            date=valid_to,
            days=notice_day,
        )[:255]

    def _cert_renewal_invoice_vals(self):
        """A draft invoice renewing this item: its product, to its customer."""
        self.ensure_one()
        product = self._cert_notice_product()
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "invoice_origin": self.display_name,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "name": self.env._(
                            "Renewal of %(item)s (expires %(date)s)", item=self.display_name, date=self.valid_to
                        ),
                        "quantity": 1,
                    }
                )
            ],
        }
