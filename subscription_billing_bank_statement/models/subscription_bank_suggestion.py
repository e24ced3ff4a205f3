from odoo import fields, models


class SubscriptionBankSuggestion(models.Model):
    """A subscription an unmatched bank line may belong to, with why and how sure."""

    _name = "subscription.bank.suggestion"
    _description = "Bank Line Suggestion"
    _order = "statement_line_id, sequence, id"

    statement_line_id = fields.Many2one(
        "account.bank.statement.line", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="statement_line_id.company_id", store=True, index=True)
    subscription_id = fields.Many2one("subscription.subscription", required=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one(related="subscription_id.partner_id", string="Customer")
    sequence = fields.Integer("Rank", readonly=True)
    score = fields.Float(readonly=True, help="1.0: identical; one typo in a four-character number scores 0.75.")
    reason = fields.Selection(
        [("reference", "Similar reference"), ("name", "Similar payer name")], required=True, readonly=True
    )
    reason_detail = fields.Char("Why", readonly=True)

    def action_assign(self):
        """One click: this suggestion's subscription pays with the bank line, reconciled at once."""
        self.ensure_one()
        line = self.statement_line_id
        line.subscription_id = self.subscription_id
        return line.action_subscription_assign()
