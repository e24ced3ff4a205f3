from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools.misc import formatLang

from ..models.subscription_invoice_builder import BILLING_ERRORS


class SubscriptionBillingPreview(models.TransientModel):
    """What a billing run on a date would invoice, before it runs.

    Plans each due subscription with the invoice builder's own planning (the periods, the
    price splits, the credits) and prices each item as the invoice line will be
    (quantity, discount), without creating an invoice or marking a period billed.
    """

    _name = "subscription.billing.preview"
    _description = "Billing Run Preview"

    date = fields.Date("Invoice Date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("subscription.billing.preview.line", "preview_id", "Would Be Invoiced", readonly=True)
    subscription_count = fields.Integer("Subscriptions", readonly=True)
    amount_total = fields.Monetary("Total (tax excluded)", readonly=True)
    failure_log = fields.Text("Could Not Be Planned", readonly=True)
    summary_html = fields.Html("Totals per Tariff", readonly=True, sanitize=False)

    def action_compute(self):
        self.ensure_one()
        Sub = self.env["subscription.subscription"].with_company(self.company_id)
        subs = Sub.browse(row[0] for row in Sub._due_rows(self.date, include_failed=True))
        builder = self.env["subscription.invoice.builder"]
        lines, failures = [], []
        for sub in subs:
            try:
                items = builder._plan_subscription(sub, self.date)
            except BILLING_ERRORS as error:
                failures.append(f"{sub.display_name}: {error}")
                continue
            for item in items:
                line = item["line"]
                lines.append(
                    {
                        "subscription_id": sub.id,
                        "partner_id": sub.partner_id.id,
                        "tariff_id": line.tariff_id.id,
                        "kind": item["kind"],
                        "date_from": item["date_from"],
                        "date_to": item["date_to"],
                        "quantity": line.quantity,
                        "price_unit": item["price_unit"],
                        "discount": line.discount,
                        "amount": sub.currency_id.round(
                            item["price_unit"] * line.quantity * (1 - line.discount / 100.0)
                        ),
                    }
                )
        self.line_ids = [Command.clear()] + [Command.create(vals) for vals in lines]
        self.write(
            {
                "subscription_count": len(self.line_ids.subscription_id),
                "amount_total": sum(self.line_ids.mapped("amount")),
                "failure_log": "\n".join(failures) or False,
                "summary_html": self._summary_html(),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _summary_html(self):
        totals = defaultdict(float)
        counts = defaultdict(set)
        for line in self.line_ids:
            totals[line.tariff_id] += line.amount
            counts[line.tariff_id].add(line.subscription_id.id)
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (tariff.display_name, len(counts[tariff]), formatLang(self.env, total, currency_obj=self.currency_id))
            for tariff, total in sorted(totals.items(), key=lambda pair: pair[0].display_name)
        )
        return Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody><tfoot><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></tfoot></table>"
        ) % (
            self.env._("Tariff"),
            self.env._("Subscriptions"),
            self.env._("Amount (tax excluded)"),
            rows,
            self.env._("Total"),
            self.subscription_count,
            formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
        )

    @api.model
    def action_open(self):
        preview = self.create({})
        return preview.action_compute()
