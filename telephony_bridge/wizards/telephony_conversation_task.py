from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime, is_html_empty


class TelephonyConversationTask(models.TransientModel):
    """Create a task (an activity) from a conversation, for oneself or for another team.

    The task carries the customer, the contact person and their number, and links to
    the conversation and to the last call with the customer about the same service.
    """

    _name = "telephony.conversation.task"
    _description = "Create a Task from a Conversation"

    conversation_id = fields.Many2one("telephony.conversation", required=True, ondelete="cascade")
    team_id = fields.Many2one(
        "telephony.team",
        help="Hand the task to a team (for example support after a sale): its leader gets it "
        "unless you choose a member.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False),
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'telephony.conversation')]",
    )
    date_deadline = fields.Date(string="Due Date", required=True, default=fields.Date.context_today)
    summary = fields.Char(compute="_compute_summary", store=True, readonly=False)
    stage_id = fields.Many2one(
        "telephony.task.stage",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        domain="['|', ('team_id', '=', False), ('team_id', '=', team_id)]",
    )
    note = fields.Html()

    @api.depends("team_id")
    def _compute_user_id(self):
        for wizard in self:
            wizard.user_id = wizard.team_id._task_assignee() if wizard.team_id else self.env.user

    @api.depends("conversation_id")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = wizard.conversation_id.next_step or wizard.summary

    @api.depends("team_id")
    def _compute_stage_id(self):
        Stage = self.env["telephony.task.stage"]
        for wizard in self:
            wizard.stage_id = Stage._first_for_team(wizard.team_id)

    def _task_note(self, last):
        conversation = self.conversation_id
        _ = self.env._
        rows = [
            (_("Customer"), conversation.partner_id.display_name),
            (_("Contact person"), conversation.contact_id.name),
            (_("Number"), conversation.phone),
            (_("About"), conversation.service_label),
            (_("Next step"), conversation.next_step),
        ]
        if last:
            when = format_datetime(self.env, last.date, dt_format="short")
            rows.append((_("Last call"), f"{when}, {last.phone}" if last.phone else when))
        body = Markup("").join(Markup("<li><b>%s:</b> %s</li>") % (label, value) for label, value in rows if value)
        extra = Markup("") if is_html_empty(self.note) else self.note
        return Markup("<ul>%s</ul>") % body + extra

    def action_create_task(self):
        self.ensure_one()
        conversation = self.conversation_id
        user = self.user_id or (self.team_id and self.team_id._task_assignee())
        if not user:
            raise UserError(
                self.env._("The team %s has neither a leader nor members: choose who gets the task.", self.team_id.name)
            )
        last = conversation._last_service_call()
        activity = conversation.activity_schedule(
            activity_type_id=self.activity_type_id.id,
            date_deadline=self.date_deadline,
            summary=self.summary or conversation.next_step or False,
            note=self._task_note(last),
            user_id=user.id,
            automated=False,
            telephony_conversation_id=conversation.id,
            telephony_call_id=last.call_id.id,
            telephony_team_id=self.team_id.id,
            telephony_task_stage_id=self.stage_id.id,
        )
        conversation.message_post(
            body=self.env._(
                "Task %(summary)s created for %(user)s.",
                summary=activity.summary or activity.activity_type_id.name,
                user=user.name,
            )
        )
        return {"type": "ir.actions.act_window_close"}
