from odoo import api, fields, models

from ..models.telephony_campaign_contact import OUTCOMES


class TelephonyCampaignOutcome(models.TransientModel):
    """What came of the call: recorded by the agent, then the next contact is offered."""

    _name = "telephony.campaign.outcome"
    _description = "Record a Call Outcome"

    contact_id = fields.Many2one(
        "telephony.campaign.contact", string="Campaign Contact", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="contact_id.partner_id")
    outcome = fields.Selection(OUTCOMES, required=True, default="reached")
    callback_date = fields.Datetime("Call Back At")
    promise_date = fields.Date("Promised Payment Date")
    promise_amount = fields.Monetary("Promised Amount", currency_field="currency_id")
    currency_id = fields.Many2one(related="contact_id.currency_id")
    note = fields.Text()
    has_survey = fields.Boolean(compute="_compute_has_survey")

    @api.depends("contact_id.survey_id")
    def _compute_has_survey(self):
        for wizard in self:
            wizard.has_survey = bool(wizard.contact_id.survey_id)

    def _record(self):
        self.ensure_one()
        self.contact_id._record_outcome(
            self.outcome,
            note=self.note,
            callback_date=self.callback_date,
            promise_date=self.promise_date,
            promise_amount=self.promise_amount,
        )

    def action_record(self):
        self._record()
        return {"type": "ir.actions.act_window_close"}

    def action_record_and_next(self):
        self._record()
        return self.env["telephony.campaign.contact"].action_next_contact()
