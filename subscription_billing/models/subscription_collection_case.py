from odoo import api, fields, models


class SubscriptionCollectionCase(models.Model):
    """A customer handed over to collection by the final step of a dunning policy."""

    _name = "subscription.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_opened desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    move_ids = fields.Many2many("account.move", string="Invoices")
    date_opened = fields.Date(required=True, default=fields.Date.context_today)
    date_closed = fields.Date(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True, index=True
    )
    amount_residual = fields.Monetary(
        "Amount Due", compute="_compute_amount_residual", currency_field="currency_id", store=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Collections User", tracking=True)
    note = fields.Text()

    @api.depends("move_ids.amount_residual")
    def _compute_amount_residual(self):
        for case in self:
            case.amount_residual = sum(case.move_ids.mapped("amount_residual"))

    def _open_for(self, move, log):
        """The open case of the invoice's customer (created when missing), with the invoice in it."""
        case = self.search(
            [
                ("partner_id", "=", move.commercial_partner_id.id),
                ("company_id", "=", move.company_id.id),
                ("state", "=", "open"),
            ],
            limit=1,
        )
        user = log.policy_id.collection_user_id
        if not case:
            case = self.create(
                {
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "date_opened": log.date,
                    "user_id": user.id,
                }
            )
            if user:
                case.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=log.date,
                    summary=self.env._("Collect the debt of %s", move.commercial_partner_id.name),
                    user_id=user.id,
                )
        case.move_ids = [fields.Command.link(move.id)]
        return case

    def action_close(self):
        self.write({"state": "closed", "date_closed": fields.Date.context_today(self)})
