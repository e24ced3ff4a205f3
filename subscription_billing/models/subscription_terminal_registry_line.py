from odoo import api, fields, models

from .subscription_terminal_registry import STATUSES


class SubscriptionTerminalRegistryLine(models.Model):
    """One payment of a network's registry, or one of our payments the registry does not list."""

    _name = "subscription.terminal.registry.line"
    _description = "Terminal Network Registry Line"
    _order = "registry_id, status, txn_id"

    registry_id = fields.Many2one("subscription.terminal.registry", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="registry_id.company_id", store=True)
    currency_id = fields.Many2one(related="registry_id.currency_id")
    status = fields.Selection(STATUSES, required=True)
    txn_id = fields.Char("Transaction", required=True)
    txn_date = fields.Datetime("Paid At")
    account = fields.Char()
    registry_amount = fields.Monetary("In Registry")
    our_amount = fields.Monetary("With Us")
    difference = fields.Monetary(compute="_compute_difference", store=True)
    intake_id = fields.Many2one("subscription.payment.intake", "Our Payment")
    subscription_id = fields.Many2one(related="intake_id.subscription_id")

    @api.depends("registry_amount", "our_amount")
    def _compute_difference(self):
        for line in self:
            line.difference = line.registry_amount - line.our_amount
