from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import queue_rules

OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No Answer"),
    ("busy", "Busy"),
    ("wrong_number", "Wrong Number"),
    ("call_back", "Call Back Later"),
    ("promise", "Promised to Pay"),
    ("not_interested", "Not Interested"),
]


class TelephonyCampaignContact(models.Model):
    """One person to call in a campaign: the agent's screen and the queue's row."""

    _name = "telephony.campaign.contact"
    _description = "Campaign Contact"
    _order = "campaign_id, id"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one("telephony.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", required=True, ondelete="cascade", index=True)
    phone = fields.Char(compute="_compute_phone")
    script = fields.Html(related="campaign_id.script")
    survey_id = fields.Many2one(related="campaign_id.survey_id")
    state = fields.Selection(
        [("pending", "To Call"), ("in_progress", "Being Called"), ("done", "Done"), ("failed", "Given Up")],
        default="pending",
        required=True,
        index=True,
    )
    agent_id = fields.Many2one("res.users", index="btree_not_null", help="Who calls or last called.")
    lock_date = fields.Datetime("Taken At", help="When the agent took the contact from the queue.")
    next_try = fields.Datetime("Call Again At")
    callback_agent_id = fields.Many2one(
        "res.users", string="Call Back By", help="The agent who agreed the call back is offered it first."
    )
    attempt_count = fields.Integer("Calls", default=0)
    no_answer_count = fields.Integer("Unanswered Calls", default=0)
    outcome = fields.Selection(OUTCOMES, string="Last Outcome")
    outcome_date = fields.Datetime("Outcome Recorded At")
    callback_date = fields.Datetime("Call Back At")
    promise_date = fields.Date("Promised Payment Date")
    promise_amount = fields.Monetary("Promised Amount", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    note = fields.Text()
    is_done = fields.Integer("Contacts Done", compute="_compute_results", store=True, aggregator="sum")
    reached = fields.Integer("Contacts Reached", compute="_compute_results", store=True, aggregator="sum")
    reached_rate = fields.Float(
        "Reached Rate (%)",
        compute="_compute_results",
        store=True,
        aggregator="avg",
        help="Of the contacts done: 100 for one reached, 0 otherwise; averaged in the analysis.",
    )
    survey_user_input_id = fields.Many2one("survey.user_input", string="Answers", copy=False)
    survey_answer_line_ids = fields.One2many(related="survey_user_input_id.user_input_line_ids", string="Answered")
    call_ids = fields.Many2many("telephony.call", string="Campaign Calls", copy=False)
    attempt_ids = fields.One2many("telephony.campaign.attempt", "contact_id", string="Calls Made")
    partner_call_ids = fields.Many2many("telephony.call", string="Previous Calls", compute="_compute_partner_history")
    partner_attempt_ids = fields.Many2many(
        "telephony.campaign.attempt", string="Previous Outcomes", compute="_compute_partner_history"
    )

    _sql_constraints = [
        ("partner_once", "UNIQUE(campaign_id, partner_id)", "A contact is listed only once in a campaign."),
    ]

    @api.depends("partner_id.mobile", "partner_id.phone")
    def _compute_phone(self):
        for contact in self:
            contact.phone = contact.partner_id.mobile or contact.partner_id.phone

    @api.depends("state", "outcome")
    def _compute_results(self):
        for contact in self:
            reached = contact.outcome in queue_rules.REACHED
            contact.is_done = int(contact.state in ("done", "failed"))
            contact.reached = int(reached)
            contact.reached_rate = 100.0 if reached else 0.0

    def _compute_partner_history(self):
        Call = self.env["telephony.call"]
        Attempt = self.env["telephony.campaign.attempt"]
        for contact in self:
            commercial = contact.partner_id.commercial_partner_id
            if not commercial:
                contact.partner_call_ids = Call
                contact.partner_attempt_ids = Attempt
                continue
            contact.partner_call_ids = Call.search(
                [("partner_id", "child_of", commercial.id)], order="start_date desc", limit=20
            )
            contact.partner_attempt_ids = Attempt.search(
                [("partner_id", "child_of", commercial.id)], order="date desc, id desc", limit=20
            )

    # ---------------------------------------------------------------- the agent's queue

    @api.model
    def action_next_contact(self):
        """Give the current user the next contact to call and open it (the agent's screen)."""
        user = self.env.user
        campaigns = self.env["telephony.campaign"].search([("state", "=", "running"), ("agent_ids", "in", user.id)])
        if not campaigns:
            raise UserError(_("You are not an agent of any running call campaign."))
        now = fields.Datetime.now()
        open_campaigns = campaigns.filtered(lambda campaign: campaign._is_open(now))
        if not open_campaigns:
            raise UserError(
                _(
                    "It is outside the calling hours of your campaigns: %s",
                    "; ".join(f"{campaign.name}: {campaign._hours_text()}" for campaign in campaigns),
                )
            )
        contact = self.browse(open_campaigns._pick_contact(user, now))
        if not contact:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": _("Nobody is left to call now in your campaigns."),
                    "sticky": False,
                },
            }
        if not (contact.state == "in_progress" and contact.agent_id == user):
            contact.write({"state": "in_progress", "agent_id": user.id, "lock_date": now})
        return contact._action_agent_screen()

    def _action_agent_screen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.campaign_id.name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("telephony_campaign.telephony_campaign_contact_agent_form").id, "form")],
            "target": "current",
        }

    def _check_mine(self):
        """The contact is being called by the current user (a manager may act for anyone)."""
        for contact in self:
            if contact.state != "in_progress":
                raise UserError(
                    _("%s is not being called: take it with 'Next contact' first.", contact.partner_id.display_name)
                )
            manager = self.env.user.has_group("telephony_bridge.group_telephony_bridge_manager")
            if contact.agent_id != self.env.user and not manager:
                raise UserError(
                    _(
                        "%(contact)s is being called by %(agent)s.",
                        contact=contact.partner_id.display_name,
                        agent=contact.agent_id.name,
                    )
                )

    def action_dial(self):
        """Click-to-dial through the company's PBX (telephony_bridge)."""
        self.ensure_one()
        self._check_mine()
        if not self.phone:
            raise UserError(_("%s has no phone number.", self.partner_id.display_name))
        return self.env["telephony.pbx"].action_dial_number(self.phone)

    def action_record_outcome(self):
        self.ensure_one()
        self._check_mine()
        return {
            "type": "ir.actions.act_window",
            "name": _("Call Outcome"),
            "res_model": "telephony.campaign.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contact_id": self.id},
        }

    def action_answer_questions(self):
        """Start (or continue) the campaign's survey for this contact's partner and open it."""
        self.ensure_one()
        self._check_mine()
        if not self.survey_id:
            raise UserError(_("The campaign %s has no questions.", self.campaign_id.name))
        if not self.env.user.has_group("survey.group_survey_user"):
            raise UserError(_("Answering the campaign's questions needs the Surveys user right."))
        if not self.survey_user_input_id:
            self.survey_user_input_id = self.survey_id._create_answer(partner=self.partner_id, check_attempts=False)
        return {"type": "ir.actions.act_url", "url": self.survey_user_input_id.get_start_url(), "target": "new"}

    # ---------------------------------------------------------------- outcomes

    def _record_outcome(self, outcome, note=None, callback_date=None, promise_date=None, promise_amount=0.0):
        """Write the outcome of the call just made and put the contact back in the queue or close it."""
        self.ensure_one()
        self._check_mine()
        now = fields.Datetime.now()
        if outcome == "call_back" and (not callback_date or callback_date <= now):
            raise UserError(_("Give the date and time to call back, in the future."))
        if outcome == "promise":
            if not promise_date or promise_date < fields.Date.context_today(self):
                raise UserError(_("Give the date the customer promised to pay, today or later."))
            if promise_amount <= 0:
                raise UserError(_("Give the amount the customer promised to pay."))
            self._check_promise()
        campaign = self.campaign_id
        queue = queue_rules.after_outcome(
            outcome, now, self.no_answer_count, campaign.max_attempts, campaign.retry_minutes, callback_at=callback_date
        )
        calls = self._campaign_calls(now)
        self.env["telephony.campaign.attempt"].create(
            {
                "contact_id": self.id,
                "agent_id": self.env.uid,
                "date": now,
                "outcome": outcome,
                "note": note,
                "callback_date": callback_date if outcome == "call_back" else False,
                "promise_date": promise_date if outcome == "promise" else False,
                "promise_amount": promise_amount if outcome == "promise" else 0.0,
                "call_id": calls[:1].id,
            }
        )
        values = {
            "state": queue["state"],
            "next_try": queue["next_try"] or False,
            "no_answer_count": queue["no_answer_count"],
            "attempt_count": self.attempt_count + 1,
            "outcome": outcome,
            "outcome_date": now,
            "note": note or self.note,
            "lock_date": False,
            "callback_agent_id": self.env.uid if outcome == "call_back" else False,
            "callback_date": callback_date if outcome == "call_back" else False,
            "call_ids": [fields.Command.link(call.id) for call in calls],
        }
        if outcome == "promise":
            values.update({"promise_date": promise_date, "promise_amount": promise_amount})
        self.write(values)
        if outcome == "promise":
            self._on_promise()
        return True

    def _campaign_calls(self, now):
        """The PBX's calls to this contact's partner by the current agent since the contact was taken."""
        since = self.lock_date or now
        return self.env["telephony.call"].search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("direction", "=", "outbound"),
                ("start_date", ">=", since),
                "|",
                ("agent_id", "=", self.env.uid),
                ("first_agent_id", "=", self.env.uid),
            ],
            order="start_date desc",
        )

    def _check_promise(self):
        """Hook: raise UserError before anything is written when a promise cannot be recorded."""
        return True

    def _on_promise(self):
        """Hook: the customer promised to pay (the billing bridge records the promised payment)."""
        return True
