from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    subscription_ids = fields.One2many("subscription.subscription", "partner_id", "Subscriptions")
    subscription_count = fields.Integer(compute="_compute_subscription_card", groups="base.group_user")
    subscription_active_count = fields.Integer(compute="_compute_subscription_card", groups="base.group_user")
    subscription_tariffs = fields.Char("Tariffs", compute="_compute_subscription_card", groups="base.group_user")
    subscription_next_invoice_date = fields.Date(
        "Next Invoice", compute="_compute_subscription_card", groups="base.group_user"
    )
    subscription_balance = fields.Monetary(
        "Balance Owed (incl. tax)",
        compute="_compute_subscription_card",
        currency_field="currency_id",
        groups="base.group_user",
        help="Open amount of the customer's posted invoices and credit notes, taxes included.",
    )
    subscription_overdue = fields.Monetary(
        "Overdue (incl. tax)",
        compute="_compute_subscription_card",
        currency_field="currency_id",
        groups="base.group_user",
        help="Open amount of the customer's invoices past their due date, taxes included.",
    )
    subscription_due_since = fields.Date(
        "Due Since",
        compute="_compute_subscription_card",
        groups="base.group_user",
        help="Due date of the customer's oldest invoice still open.",
    )
    subscription_last_payment_date = fields.Date(
        "Last Payment", compute="_compute_subscription_card", groups="base.group_user"
    )
    subscription_last_payment_amount = fields.Monetary(
        "Last Payment Amount",
        compute="_compute_subscription_card",
        currency_field="currency_id",
        groups="base.group_user",
    )

    def _compute_subscription_card(self):
        commercial = self.commercial_partner_id
        subs = self.env["subscription.subscription"].search([("partner_id", "child_of", commercial.ids)])
        balances = dict(
            self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
        today = self.env.company._subscription_today()
        open_domain = [
            ("commercial_partner_id", "in", commercial.ids),
            ("state", "=", "posted"),
            ("move_type", "=", "out_invoice"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        due_since = dict(
            self.env["account.move"]._read_group(open_domain, ["commercial_partner_id"], ["invoice_date_due:min"])
        )
        overdue = dict(
            self.env["account.move"]._read_group(
                [*open_domain, ("invoice_date_due", "<", today)],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
        payments = self.env["account.payment"].search(
            [
                ("partner_id", "child_of", commercial.ids),
                ("partner_type", "=", "customer"),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ],
            order="date desc, id desc",
        )
        for partner in self:
            mine = subs.filtered(lambda s, p=partner.commercial_partner_id: s.partner_id.commercial_partner_id == p)
            active = mine.filtered(lambda s: s.state in ("active", "suspended"))
            partner.subscription_count = len(mine)
            partner.subscription_active_count = len(active)
            partner.subscription_tariffs = ", ".join(
                sorted(set(active.line_ids.filtered(lambda line: not line.date_end).mapped("tariff_id.name")))
            )
            dates = [d for d in active.mapped("next_invoice_date") if d]
            partner.subscription_next_invoice_date = min(dates) if dates else False
            partner.subscription_balance = balances.get(partner.commercial_partner_id, 0.0)
            partner.subscription_overdue = overdue.get(partner.commercial_partner_id, 0.0)
            partner.subscription_due_since = due_since.get(partner.commercial_partner_id, False)
            last = payments.filtered(
                lambda pay, p=partner.commercial_partner_id: pay.partner_id.commercial_partner_id == p
            )[:1]
            partner.subscription_last_payment_date = last.date
            partner.subscription_last_payment_amount = last.amount

    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("subscription_billing.action_subscription")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_subscription_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        action["context"] = {"default_move_type": "out_invoice", "default_partner_id": self.id}
        return action
