from odoo import api, fields, models
from odoo.exceptions import UserError


class SubscriptionChangeTariff(models.TransientModel):
    _name = "subscription.change.tariff"
    _description = "Change a Subscription's Tariff"

    subscription_id = fields.Many2one("subscription.subscription", required=True)
    line_id = fields.Many2one(
        "subscription.line",
        "Current Line",
        required=True,
        domain="[('subscription_id', '=', subscription_id), ('tariff_id.tariff_type', '=', 'recurring')]",
    )
    tariff_id = fields.Many2one(
        "subscription.tariff", "New Tariff", required=True, domain=[("tariff_type", "=", "recurring")]
    )
    date_change = fields.Date("Effective From", required=True, default=fields.Date.context_today)
    quantity = fields.Float(digits="Product Unit of Measure")

    @api.model
    def default_get(self, fields_list):
        vals = super().default_get(fields_list)
        sub = self.env["subscription.subscription"].browse(
            self.env.context.get("default_subscription_id") or self.env.context.get("active_id")
        )
        if sub:
            vals["subscription_id"] = sub.id
            current = sub.line_ids.filtered(
                lambda line: not line.date_end and line.tariff_id.tariff_type == "recurring"
            )[:1]
            if current:
                vals["line_id"] = current.id
                vals["quantity"] = current.quantity
        return vals

    def action_apply(self):
        self.ensure_one()
        if self.line_id.tariff_id == self.tariff_id:
            raise UserError(self.env._("The line already bills the tariff %s.", self.tariff_id.display_name))
        self.line_id._change_tariff(self.tariff_id, self.date_change, self.quantity)
        return {"type": "ir.actions.act_window_close"}
