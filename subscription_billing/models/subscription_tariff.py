from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import periods

PERIOD_KINDS = [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly"), ("days", "Every N days")]
# Average days in a month, to turn any period into a monthly recurring revenue.
DAYS_PER_MONTH = 365.25 / 12


class SubscriptionTariff(models.Model):
    _name = "subscription.tariff"
    _description = "Tariff Plan"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, tracking=True
    )
    product_id = fields.Many2one(
        "product.product",
        "Service Product",
        required=True,
        domain=[("type", "=", "service")],
        tracking=True,
        help="Product of the invoice lines: its income account and taxes are used.",
    )
    tariff_type = fields.Selection(
        [("recurring", "Recurring"), ("one_shot", "One-shot fee")],
        default="recurring",
        required=True,
        help="One-shot fees (connection, equipment) are billed once, with the next invoice.",
    )
    price = fields.Monetary(
        tracking=True,
        help="Current price per period. Changing it records a new dated price from today.",
    )
    price_history_ids = fields.One2many("subscription.tariff.price", "tariff_id", "Price History Entries")
    period_kind = fields.Selection(PERIOD_KINDS, "Billing Period", default="month", required=True)
    period_interval = fields.Integer(
        "Every", default=1, required=True, help="Number of months, quarters, years or days in one billing period."
    )
    billing_mode = fields.Selection(
        [("advance", "In advance"), ("arrears", "In arrears")],
        default="advance",
        required=True,
        help="In advance: invoiced on the first day of the period. In arrears: the day after it ends.",
    )
    suspension_policy_id = fields.Many2one(
        "subscription.suspension.policy",
        help="When subscriptions of this tariff are suspended for unpaid invoices. Empty: the company's policy.",
    )
    alignment = fields.Selection(
        [("calendar", "Calendar periods"), ("start", "Subscription start date")],
        default="calendar",
        required=True,
        help="Calendar: months start on the 1st, quarters on 1 January, 1 April... "
        "Start date: periods count from the subscription's start.",
    )
    prorate = fields.Boolean(
        default=True, help="Bill partial periods (start, end, tariff change) by day instead of in full."
    )
    description = fields.Text(translate=True)
    line_count = fields.Integer("Subscriptions", compute="_compute_line_count")
    subscription_count = fields.Integer(
        "Subscriptions (all states)",
        compute="_compute_subscription_count",
        help="Subscriptions with a line of this tariff.",
    )

    _sql_constraints = [
        ("interval_positive", "CHECK(period_interval >= 1)", "The billing period interval must be at least 1."),
    ]

    @api.constrains("period_kind", "period_interval")
    def _check_period(self):
        for tariff in self:
            if tariff.period_kind == "days" and tariff.period_interval < 1:
                raise ValidationError(self.env._("A period of N days needs at least one day."))

    def _compute_line_count(self):
        counts = dict(
            self.env["subscription.line"]._read_group(
                [("tariff_id", "in", self.ids), ("subscription_id.state", "in", ("active", "suspended"))],
                ["tariff_id"],
                ["__count"],
            )
        )
        for tariff in self:
            tariff.line_count = counts.get(tariff, 0)

    def _compute_subscription_count(self):
        counts = dict(
            self.env["subscription.subscription"]._read_group(
                [("tariff_ids", "in", self.ids)], ["tariff_ids"], ["__count"]
            )
        )
        for tariff in self:
            tariff.subscription_count = counts.get(tariff, 0)

    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("subscription_billing.action_subscription")
        action["domain"] = [("tariff_ids", "in", self.ids)]
        action["context"] = {"default_line_ids": [(0, 0, {"tariff_id": self.id})]}
        return action

    @api.model_create_multi
    def create(self, vals_list):
        tariffs = super().create(vals_list)
        self.env["subscription.tariff.price"].create(
            [
                {"tariff_id": tariff.id, "date_start": tariff._today(), "price": tariff.price}
                for tariff in tariffs
                if not tariff.price_history_ids
            ]
        )
        tariffs.invalidate_recordset(["price_history_ids"])
        return tariffs

    def write(self, vals):
        res = super().write(vals)
        if "price" in vals and not self.env.context.get("subscription_no_price_history"):
            for tariff in self:
                tariff._record_price(tariff._today(), vals["price"])
        return res

    def _today(self):
        """Today in the time zone of the tariff's company (of the current company when shared)."""
        self.ensure_one()
        return (self.company_id or self.env.company)._subscription_today()

    def _record_price(self, day, price, note=False):
        """Record ``price`` as the tariff's price from ``day`` on (replacing one of the same day)."""
        history = self.env["subscription.tariff.price"]
        for tariff in self:
            same_day = tariff.price_history_ids.filtered(lambda p, day=day: p.date_start == day)
            if same_day:
                same_day.write({"price": price, "note": note or same_day.note})
            else:
                history.create({"tariff_id": tariff.id, "date_start": day, "price": price, "note": note})

    def _price_points(self):
        """Dated prices of the tariff as ``[(date, price)]``, oldest first."""
        self.ensure_one()
        points = [(p.date_start, p.price) for p in self.price_history_ids]
        return sorted(points) or [(date.min, self.price)]

    def _price_at(self, day):
        self.ensure_one()
        return periods.split_by_price(day, day, self._price_points())[0][2]

    def _schedule(self, anchor):
        self.ensure_one()
        return periods.Schedule(self.period_kind, self.period_interval, self.alignment, anchor, self.billing_mode)

    def _monthly_factor(self):
        """Multiply a price per period by this to get a monthly recurring amount."""
        self.ensure_one()
        if self.tariff_type == "one_shot":
            return 0.0
        if self.period_kind == "days":
            return DAYS_PER_MONTH / self.period_interval
        months = {"month": 1, "quarter": 3, "year": 12}[self.period_kind] * self.period_interval
        return 1.0 / months
