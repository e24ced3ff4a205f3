from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    telephony_conversation_id = fields.Many2one(
        "telephony.conversation", string="Conversation", index="btree_not_null", ondelete="cascade"
    )
    telephony_call_id = fields.Many2one(
        "telephony.call",
        string="Last Call",
        ondelete="set null",
        help="The last call with the customer about the conversation's service when the task was created.",
    )
    telephony_team_id = fields.Many2one("telephony.team", string="Team", index="btree_not_null")
    telephony_task_stage_id = fields.Many2one(
        "telephony.task.stage",
        string="Task Stage",
        index="btree_not_null",
        group_expand="_read_group_telephony_task_stage_ids",
        domain="['|', ('team_id', '=', False), ('team_id', '=', telephony_team_id)]",
    )
    telephony_partner_id = fields.Many2one(related="telephony_conversation_id.partner_id", string="Customer")
    telephony_contact_id = fields.Many2one(related="telephony_conversation_id.contact_id", string="Contact Person")
    telephony_phone = fields.Char(related="telephony_conversation_id.phone", string="Number")
    telephony_service_label = fields.Char(related="telephony_conversation_id.service_label", string="About")
    telephony_call_recording_url = fields.Char(
        string="Recording",
        compute="_compute_telephony_call_recording_url",
        compute_sudo=True,
    )

    @api.depends("telephony_call_id.recording_url")
    def _compute_telephony_call_recording_url(self):
        for activity in self:
            call = activity.telephony_call_id
            activity.telephony_call_recording_url = (
                f"/telephony/call/{call.id}/recording" if call.recording_url else False
            )

    @api.model
    def _read_group_telephony_task_stage_ids(self, stages, domain):
        """The board's columns: the stages already holding tasks, the stages of no team and
        those of the board's team (the team in context, else the user's teams), as
        ``telephony.task.stage._domain_for_team`` offers them to a task."""
        teams = self.env["telephony.team"].browse(self.env.context.get("default_telephony_team_id") or [])
        if not teams:
            teams = self.env.user.telephony_team_ids
        return stages.search(
            ["|", "|", ("id", "in", stages.ids), ("team_id", "=", False), ("team_id", "in", teams.ids)]
        )

    @api.constrains("telephony_task_stage_id", "telephony_team_id")
    def _check_telephony_task_stage(self):
        for activity in self:
            stage = activity.telephony_task_stage_id
            if stage.team_id and stage.team_id != activity.telephony_team_id:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s belongs to the team %(team)s, not to the team of this task.",
                        stage=stage.name,
                        team=stage.team_id.name,
                    )
                )
