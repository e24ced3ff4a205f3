from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from ..tools import queue_rules

# An agent who took a contact and left it this long without an outcome has left it:
# another agent may be offered it.
STALE_MINUTES = 30
# A call back is kept for the agent who agreed it this long after its time, then anyone may call.
CALLBACK_RESERVED_MINUTES = 30


def _tz_names(model=None):
    """The time zones a campaign calls in (Odoo calls a selection function with the model)."""
    return [(tz, tz) for tz in pytz.common_timezones]


class TelephonyCampaign(models.Model):
    """A list of people to call with a script, optional questions, agents and calling hours."""

    _name = "telephony.campaign"
    _description = "Call Campaign"
    _inherit = ["mail.thread"]
    _order = "state_sequence, id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    filter_id = fields.Many2one(
        "ir.filters",
        string="Saved Filter",
        domain=[("model_id", "=", "res.partner")],
        help="The contacts of this saved filter on Contacts are added by 'Fill from filter'.",
    )
    script = fields.Html(help="What the agent says, shown on the agent's screen.")
    survey_id = fields.Many2one(
        "survey.survey", string="Questions", help="The survey whose questions the agent asks and answers."
    )
    agent_ids = fields.Many2many(
        "res.users",
        "telephony_campaign_agent_rel",
        "campaign_id",
        "user_id",
        string="Agents",
        domain=lambda self: [("groups_id", "in", self.env.ref("telephony_bridge.group_telephony_bridge_user").id)],
    )
    tz = fields.Selection(_tz_names, string="Time Zone", default=lambda self: self.env.user.tz or "UTC", required=True)
    hour_from = fields.Float("Call From", default=9.0, required=True)
    hour_to = fields.Float("Call Until", default=18.0, required=True)
    day_mon = fields.Boolean("Monday", default=True)
    day_tue = fields.Boolean("Tuesday", default=True)
    day_wed = fields.Boolean("Wednesday", default=True)
    day_thu = fields.Boolean("Thursday", default=True)
    day_fri = fields.Boolean("Friday", default=True)
    day_sat = fields.Boolean("Saturday")
    day_sun = fields.Boolean("Sunday")
    max_attempts = fields.Integer(
        "Tries", default=3, required=True, help="Unanswered calls after which the contact is given up."
    )
    retry_minutes = fields.Integer(
        "Retry After (minutes)", default=60, required=True, help="An unanswered contact comes back after this."
    )
    contact_ids = fields.One2many("telephony.campaign.contact", "campaign_id", string="Contacts")
    contact_count = fields.Integer(compute="_compute_progress")
    done_count = fields.Integer("Done", compute="_compute_progress")
    reached_count = fields.Integer("Reached", compute="_compute_progress")
    reached_rate = fields.Float("Reached (%)", compute="_compute_progress")
    promised_amount = fields.Monetary("Promised", compute="_compute_progress", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        ("hours", "CHECK(hour_from >= 0 AND hour_to <= 24 AND hour_from < hour_to)", "Calling hours are wrong."),
        ("max_attempts", "CHECK(max_attempts > 0)", "A contact is tried at least once."),
        ("retry_minutes", "CHECK(retry_minutes >= 0)", "The retry delay cannot be negative."),
    ]

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"running": 1, "draft": 2, "done": 3}
        for campaign in self:
            campaign.state_sequence = order.get(campaign.state, 9)

    @api.depends("contact_ids.state", "contact_ids.reached", "contact_ids.promise_amount")
    def _compute_progress(self):
        groups = self.env["telephony.campaign.contact"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state"],
            ["__count", "reached:sum", "promise_amount:sum"],
        )
        stats = {}
        for campaign, state, count, reached, promised in groups:
            row = stats.setdefault(campaign.id, {"all": 0, "done": 0, "reached": 0, "promised": 0.0})
            row["all"] += count
            row["reached"] += reached
            row["promised"] += promised
            if state in ("done", "failed"):
                row["done"] += count
        for campaign in self:
            row = stats.get(campaign.id, {"all": 0, "done": 0, "reached": 0, "promised": 0.0})
            campaign.contact_count = row["all"]
            campaign.done_count = row["done"]
            campaign.reached_count = row["reached"]
            campaign.reached_rate = 100.0 * row["reached"] / row["done"] if row["done"] else 0.0
            campaign.promised_amount = row["promised"]

    @api.constrains("filter_id")
    def _check_filter_model(self):
        for campaign in self:
            if campaign.filter_id and campaign.filter_id.model_id != "res.partner":
                raise ValidationError(_("The saved filter of a campaign must be a filter on Contacts."))

    # ---------------------------------------------------------------- states

    def action_start(self):
        for campaign in self:
            if not campaign.agent_ids:
                raise UserError(_("Give the campaign %s at least one agent before starting it.", campaign.name))
            if not campaign.contact_ids:
                raise UserError(_("The campaign %s has nobody to call yet.", campaign.name))
        self.write({"state": "running"})

    def action_done(self):
        self.write({"state": "done"})

    def action_draft(self):
        self.write({"state": "draft"})

    # ---------------------------------------------------------------- filling

    def _has_partner_source(self):
        """Whether the campaign says where its contacts come from (the billing bridge adds sources)."""
        self.ensure_one()
        return bool(self.filter_id)

    def _partners_to_add(self):
        """The partners of the campaign's sources: its saved filter, evaluated now."""
        self.ensure_one()
        if not self.filter_id:
            return self.env["res.partner"]
        filter_context = safe_eval(self.filter_id.context or "{}", {"uid": self.env.uid})
        return self.env["res.partner"].with_context(**filter_context).search(self.filter_id._get_eval_domain())

    def action_fill_from_filter(self):
        """Add the contacts of the campaign's sources that are not listed yet (never one twice)."""
        self.ensure_one()
        if self.state == "done":
            raise UserError(_("The campaign %s is done: nothing more can be added.", self.name))
        if not self._has_partner_source():
            raise UserError(_("Choose the saved filter the campaign's contacts come from."))
        added = self._add_partners(self._partners_to_add())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if added else "info",
                "message": _("%(count)s contacts added to %(campaign)s.", count=len(added), campaign=self.name),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _add_partners(self, partners):
        """Create a campaign contact for each of ``partners`` not listed yet; return them."""
        self.ensure_one()
        listed = set(self.contact_ids.partner_id.ids)
        new = []
        for partner in partners:
            if partner.id not in listed:
                listed.add(partner.id)
                new.append({"campaign_id": self.id, "partner_id": partner.id})
        return self.env["telephony.campaign.contact"].create(new)

    # ---------------------------------------------------------------- calling hours

    def _weekdays(self):
        self.ensure_one()
        return {day for day in queue_rules.WEEKDAYS if self[f"day_{day}"]}

    def _is_open(self, now):
        self.ensure_one()
        local = pytz.utc.localize(now).astimezone(pytz.timezone(self.tz or "UTC"))
        return queue_rules.within_hours(local, self.hour_from, self.hour_to, self._weekdays())

    def _hours_text(self):
        self.ensure_one()
        days = ", ".join(
            self._fields[f"day_{day}"].get_description(self.env)["string"]
            for day in queue_rules.WEEKDAYS
            if self[f"day_{day}"]
        )
        return _(
            "%(days)s, %(start)s-%(end)s (%(tz)s)",
            days=days or _("no day"),
            start=queue_rules.format_hour(self.hour_from),
            end=queue_rules.format_hour(self.hour_to),
            tz=self.tz,
        )

    # ---------------------------------------------------------------- the queue

    def _pick_contact(self, user, now):
        """Lock and return the id of the next contact ``user`` should call in these campaigns.

        SELECT ... FOR UPDATE SKIP LOCKED: an agent asking at the same moment skips the row
        another agent's transaction is taking, so no contact is given to two agents at once.
        Offered: contacts never called or due again (a retry's or call back's time passed;
        a call back agreed by another agent only once it has waited for them a while), and
        contacts whose agent left them without an outcome for over 30 minutes.
        """
        if not self:
            return None
        contacts = self.env["telephony.campaign.contact"]
        contacts.flush_model()
        self.env.cr.execute(
            """
            SELECT id
              FROM telephony_campaign_contact
             WHERE campaign_id = ANY(%(campaigns)s)
               AND (
                    (state = 'pending'
                     AND (next_try IS NULL OR next_try <= %(now)s)
                     AND (callback_agent_id IS NULL OR callback_agent_id = %(uid)s
                          OR next_try <= %(reserved)s))
                 OR (state = 'in_progress' AND (agent_id = %(uid)s OR lock_date < %(stale)s))
               )
          ORDER BY (state = 'in_progress' AND agent_id = %(uid)s) DESC,
                   (callback_agent_id IS NOT DISTINCT FROM %(uid)s) DESC,
                   next_try NULLS LAST,
                   id
             LIMIT 1
               FOR UPDATE SKIP LOCKED
            """,
            {
                "campaigns": self.ids,
                "now": now,
                "uid": user.id,
                "reserved": now - timedelta(minutes=CALLBACK_RESERVED_MINUTES),
                "stale": now - timedelta(minutes=STALE_MINUTES),
            },
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None
