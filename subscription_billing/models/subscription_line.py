from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import periods


class SubscriptionLine(models.Model):
    _name = "subscription.line"
    _description = "Subscription Line"
    _order = "subscription_id, sequence, id"

    subscription_id = fields.Many2one("subscription.subscription", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="subscription_id.partner_id", store=True, index=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    customer_group_id = fields.Many2one(related="subscription_id.customer_group_id", store=True)
    state = fields.Selection(related="subscription_id.state", store=True)
    tariff_id = fields.Many2one("subscription.tariff", required=True, index=True, ondelete="restrict")
    product_id = fields.Many2one(related="tariff_id.product_id")
    name = fields.Char("Description", compute="_compute_name", store=True, readonly=False, precompute=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    custom_price = fields.Boolean(
        "Price Override", help="Bill this price instead of the tariff's (price revisions still apply)."
    )
    price_unit = fields.Monetary(
        "Price Override Amount", help="Price per period in the subscription's currency when overridden."
    )
    discount = fields.Float("Discount (%)", digits="Discount")
    date_start = fields.Date(compute="_compute_date_start", store=True, readonly=False, required=True, precompute=True)
    date_end = fields.Date()
    billed_until = fields.Date(readonly=True, copy=False, help="Last day of service invoiced so far.")
    next_invoice_date = fields.Date(compute="_compute_next_invoice_date", store=True)
    current_price = fields.Monetary(compute="_compute_current_price", help="Price per period today.")
    recurring_monthly = fields.Monetary(
        "Monthly (excl. tax)", compute="_compute_recurring_monthly", store=True, currency_field="currency_id"
    )
    price_change_ids = fields.One2many("subscription.price.change", "line_id", "Price Changes")
    period_ids = fields.One2many("subscription.line.period", "line_id", "Invoiced Periods", readonly=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity of a subscription line must be positive."),
    ]

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(self.env._("A subscription line cannot end before it starts."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        invoiced = self.filtered("period_ids")
        if invoiced:
            raise UserError(
                self.env._(
                    "The line %(line)s of subscription %(subscription)s has invoiced periods and cannot be "
                    "deleted: set its end date instead, or close the subscription.",
                    line=invoiced[0].name,
                    subscription=invoiced[0].subscription_id.name,
                )
            )

    @api.depends("tariff_id")
    def _compute_name(self):
        for line in self:
            line.name = line.tariff_id.name or line.name

    @api.depends("subscription_id.date_start")
    def _compute_date_start(self):
        for line in self:
            if not line.date_start:
                line.date_start = line.subscription_id.date_start

    def _schedule(self):
        return self.tariff_id._schedule(self.subscription_id.date_start)

    @api.depends(
        "date_start",
        "date_end",
        "billed_until",
        "subscription_id.date_start",
        "tariff_id.period_kind",
        "tariff_id.period_interval",
        "tariff_id.alignment",
        "tariff_id.billing_mode",
        "tariff_id.tariff_type",
    )
    def _compute_next_invoice_date(self):
        for line in self:
            if not line.tariff_id or not line.date_start:
                line.next_invoice_date = False
            elif line.date_end and line.billed_until and line.billed_until > line.date_end:
                line.next_invoice_date = line.date_end + periods.ONE_DAY  # unused days to credit
            elif line.tariff_id.tariff_type == "one_shot":
                line.next_invoice_date = False if line.billed_until else line.date_start
            else:
                line.next_invoice_date = periods.next_invoice_date(
                    line._schedule(), line.date_start, line.date_end, billed_until=line.billed_until
                )

    def _price_points(self):
        """Dated prices of the line: override or tariff history, then its own price changes."""
        self.ensure_one()
        if self.custom_price:
            points = [(self.date_start, self.price_unit)]
        else:
            points = self.tariff_id._price_points()
            if self.tariff_id.currency_id != self.currency_id:
                company = self.company_id or self.env.company
                points = [
                    (day, self.tariff_id.currency_id._convert(price, self.currency_id, company, day))
                    for day, price in points
                ]
        changes = [(c.date_effective, c.price_new) for c in self.price_change_ids if c.state != "cancelled"]
        if changes:
            first = min(changes)[0]
            points = [point for point in points if point[0] < first] + changes
        return sorted(points) or [(self.date_start, 0.0)]

    def _price_at(self, day):
        self.ensure_one()
        return periods.split_by_price(day, day, self._price_points())[0][2]

    @api.depends("custom_price", "price_unit", "tariff_id.price_history_ids", "price_change_ids.state")
    def _compute_current_price(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.current_price = line._price_at(today) if line.tariff_id and line.date_start else 0.0

    @api.depends(
        "quantity",
        "discount",
        "custom_price",
        "price_unit",
        "date_end",
        "tariff_id.price",
        "tariff_id.period_kind",
        "tariff_id.period_interval",
        "tariff_id.tariff_type",
        "price_change_ids.state",
    )
    def _compute_recurring_monthly(self):
        today = fields.Date.context_today(self)
        for line in self:
            if not line.tariff_id or not line.date_start or (line.date_end and line.date_end < today):
                line.recurring_monthly = 0.0
                continue
            price = line._price_at(max(today, line.date_start))
            line.recurring_monthly = (
                price * line.quantity * (1 - line.discount / 100.0) * line.tariff_id._monthly_factor()
            )

    def _change_tariff(self, tariff, day, quantity=None):
        """Replace this line by ``tariff`` from ``day``: the old line ends the day before.

        The next invoice credits the days of the old tariff already billed after the change
        and charges the new tariff from ``day``, both prorated by day.
        """
        self.ensure_one()
        if day <= self.date_start:
            raise ValidationError(self.env._("A tariff change must take effect after the line's start date."))
        new_line = self.copy(
            {
                "subscription_id": self.subscription_id.id,
                "tariff_id": tariff.id,
                "name": tariff.name,
                "quantity": quantity or self.quantity,
                "date_start": day,
                "date_end": self.date_end if self.date_end and self.date_end >= day else False,
                "custom_price": False,
                "price_unit": 0.0,
            }
        )
        self.date_end = day - periods.ONE_DAY
        self.subscription_id.message_post(
            body=self.env._(
                "Tariff changed from %(old)s to %(new)s on %(date)s.",
                old=self.tariff_id.display_name,
                new=tariff.display_name,
                date=day,
            )
        )
        return new_line
