from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools import periods


class SubscriptionPriceRevision(models.TransientModel):
    """Change the prices of chosen tariffs, customer groups or subscriptions from a date.

    The revision can be staged: the same change repeated every N months (+5% now, +5% in
    three months), or applied to one customer group after the other, N months apart. Each
    affected subscription line gets dated, pending price changes; invoices read them by
    day, so a period straddling an effective date is split.
    """

    _name = "subscription.price.revision"
    _description = "Subscription Price Revision"

    tariff_ids = fields.Many2many("subscription.tariff", string="Tariffs", domain=[("tariff_type", "=", "recurring")])
    customer_group_ids = fields.Many2many("subscription.customer.group", string="Customer Groups")
    subscription_ids = fields.Many2many("subscription.subscription", string="Subscriptions")
    method = fields.Selection(
        [("percent", "Percentage increase"), ("amount", "Fixed increase"), ("fixed", "New price")],
        default="percent",
        required=True,
    )
    value = fields.Float(required=True, help="Percentage, amount to add, or the new price, depending on the method.")
    date_effective = fields.Date("Effective From", required=True, default=fields.Date.context_today)
    staging = fields.Selection(
        [
            ("none", "All at once"),
            ("steps", "Repeat the change in steps"),
            ("groups", "One customer group after the other"),
        ],
        default="none",
        required=True,
    )
    step_count = fields.Integer("Steps", default=2)
    months_between = fields.Integer("Months Between Steps", default=3)
    notify = fields.Boolean("Send Advance Notice", default=True)
    template_id = fields.Many2one(
        "mail.template",
        "Notice Template",
        domain=[("model", "=", "subscription.subscription")],
        default=lambda self: self.env.ref(
            "subscription_billing.mail_template_price_revision", raise_if_not_found=False
        ),
    )
    line_count = fields.Integer("Lines Affected", compute="_compute_preview")
    subscription_count = fields.Integer("Subscriptions Affected", compute="_compute_preview")
    mrr_before = fields.Float("MRR Before", compute="_compute_preview", digits="Account")
    mrr_after = fields.Float("MRR After", compute="_compute_preview", digits="Account")
    preview_html = fields.Html("Preview", compute="_compute_preview", sanitize=False)

    def _lines_domain(self):
        domain = [
            ("subscription_id.state", "in", ("active", "suspended", "draft")),
            ("tariff_id.tariff_type", "=", "recurring"),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", self.date_effective or fields.Date.context_today(self)),
        ]
        if self.tariff_ids:
            domain.append(("tariff_id", "in", self.tariff_ids.ids))
        if self.customer_group_ids:
            domain.append(("subscription_id.customer_group_id", "in", self.customer_group_ids.ids))
        if self.subscription_ids:
            domain.append(("subscription_id", "in", self.subscription_ids.ids))
        return domain

    def _schedule_for(self, line, group_order):
        """``[(date, price)]`` the line will get, oldest first."""
        start = self.date_effective
        if self.staging == "groups":
            rank = group_order.get(line.subscription_id.customer_group_id, len(group_order))
            start = periods.add_months(start, rank * self.months_between)
        steps = self.step_count if self.staging == "steps" else 1
        dates = periods.revision_steps(start, steps, self.months_between)
        price = line._price_at(start)
        schedule = []
        for day in dates:
            price = periods.apply_change(price, self.method, self.value)
            schedule.append((day, price))
        return schedule

    def _group_order(self, lines):
        groups = lines.subscription_id.customer_group_id.sorted(lambda g: (g.sequence, g.name))
        return {group: rank for rank, group in enumerate(groups)}

    @api.depends(
        "tariff_ids",
        "customer_group_ids",
        "subscription_ids",
        "method",
        "value",
        "date_effective",
        "staging",
        "step_count",
        "months_between",
    )
    def _compute_preview(self):
        for wizard in self:
            if not wizard.date_effective or (wizard.staging != "none" and wizard.step_count < 1):
                wizard.update(
                    {"line_count": 0, "subscription_count": 0, "mrr_before": 0, "mrr_after": 0, "preview_html": False}
                )
                continue
            lines = self.env["subscription.line"].search(wizard._lines_domain())
            order = wizard._group_order(lines)
            per_group = defaultdict(lambda: [set(), 0.0, 0.0, None])
            before_total = after_total = 0.0
            for line in lines:
                try:
                    schedule = wizard._schedule_for(line, order)
                except ValueError:
                    schedule = [(wizard.date_effective, line.current_price)]
                factor = line.quantity * (1 - line.discount / 100.0) * line.tariff_id._monthly_factor()
                before = line._price_at(wizard.date_effective) * factor
                after = schedule[-1][1] * factor
                row = per_group[line.subscription_id.customer_group_id]
                row[0].add(line.subscription_id.id)
                row[1] += before
                row[2] += after
                row[3] = schedule[0][0]
                before_total += before
                after_total += after
            currency = self.env.company.currency_id
            rows = [
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                )
                % (
                    group.display_name or self.env._("No group"),
                    len(subs),
                    row_date or "",
                    format_amount(self.env, before, currency),
                    format_amount(self.env, after, currency),
                )
                for group, (subs, before, after, row_date) in per_group.items()
            ]
            head = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th class='text-end'>%s</th><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead><tbody>"
            ) % (
                self.env._("Customer group"),
                self.env._("Subscriptions"),
                self.env._("First change"),
                self.env._("MRR before"),
                self.env._("MRR after"),
            )
            wizard.line_count = len(lines)
            wizard.subscription_count = len(lines.subscription_id)
            wizard.mrr_before = currency.round(before_total)
            wizard.mrr_after = currency.round(after_total)
            wizard.preview_html = head + Markup("").join(rows) + Markup("</tbody></table>") if rows else False

    def action_apply(self):
        self.ensure_one()
        if self.staging != "none" and (self.step_count < 1 or self.months_between < 0):
            raise UserError(self.env._("A staged revision needs at least one step and a positive gap in months."))
        if self.method in ("percent", "amount") and not self.value:
            raise UserError(self.env._("Enter the increase to apply."))
        lines = self.env["subscription.line"].search(self._lines_domain())
        if not lines:
            raise UserError(self.env._("No subscription line matches the chosen tariffs, groups and subscriptions."))
        order = self._group_order(lines)
        vals_list = []
        for line in lines:
            try:
                schedule = self._schedule_for(line, order)
            except ValueError as error:
                raise UserError(
                    self.env._("Subscription %(sub)s: %(error)s", sub=line.subscription_id.name, error=error)
                ) from error
            previous = line._price_at(schedule[0][0])
            for day, price in schedule:
                vals_list.append({"line_id": line.id, "date_effective": day, "price_old": previous, "price_new": price})
                previous = price
        changes = self.env["subscription.price.change"].create(vals_list)
        if not self.customer_group_ids and not self.subscription_ids and self.staging != "groups":
            # The whole tariff moves: new subscriptions get the new price too.
            for tariff in lines.tariff_id:
                price = tariff._price_at(self.date_effective)
                for day in periods.revision_steps(
                    self.date_effective, self.step_count if self.staging == "steps" else 1, self.months_between
                ):
                    price = periods.apply_change(price, self.method, self.value)
                    tariff._record_price(day, price, note=self.env._("Price revision"))
        if self.notify and self.template_id:
            subs = lines.subscription_id
            self.template_id.send_mail_batch(subs.ids)
            changes.notified = True
        for sub in lines.subscription_id:
            sub.message_post(
                body=escape(
                    self.env._(
                        "Price revision: %s price change(s) pending.",
                        len(changes.filtered(lambda c, sub=sub: c.subscription_id == sub)),
                    )
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Price Changes"),
            "res_model": "subscription.price.change",
            "view_mode": "list",
            "domain": [("id", "in", changes.ids)],
        }
