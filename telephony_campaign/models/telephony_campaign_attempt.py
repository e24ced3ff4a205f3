from odoo import fields, models

from .telephony_campaign_contact import OUTCOMES


class TelephonyCampaignAttempt(models.Model):
    """One call of a campaign and its outcome, as the agent recorded it."""

    _name = "telephony.campaign.attempt"
    _description = "Campaign Call Outcome"
    _order = "date desc, id desc"

    contact_id = fields.Many2one(
        "telephony.campaign.contact", string="Campaign Contact", required=True, ondelete="cascade", index=True
    )
    campaign_id = fields.Many2one(related="contact_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="contact_id.company_id", store=True)
    partner_id = fields.Many2one(related="contact_id.partner_id", store=True, index=True)
    agent_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    outcome = fields.Selection(OUTCOMES, required=True)
    note = fields.Text()
    callback_date = fields.Datetime("Call Back At")
    promise_date = fields.Date("Promised Payment Date")
    promise_amount = fields.Monetary("Promised Amount", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    call_id = fields.Many2one("telephony.call", ondelete="set null")
