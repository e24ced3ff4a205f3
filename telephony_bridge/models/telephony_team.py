from odoo import api, fields, models

MISSED_STATES = ("missed", "busy", "failed")


class TelephonyTeam(models.Model):
    """A group of agents who share their missed calls.

    A call belongs to the team of the agent whose extension rang (their first team
    of the call's company), or to its PBX's default team when it rang no agent.
    Agents see the missed calls of their teams and those of no team.
    """

    _name = "telephony.team"
    _description = "Telephony Team"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    member_ids = fields.Many2many(
        "res.users",
        "telephony_team_res_users_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Receives the tasks handed to the team from a conversation.",
    )
    task_stage_ids = fields.One2many("telephony.task.stage", "team_id", string="Task Stages")
    missed_call_count = fields.Integer(string="Missed Calls to Process", compute="_compute_missed_call_count")

    def _missed_calls_domain(self):
        return [
            ("team_id", "in", self.ids),
            ("direction", "=", "inbound"),
            ("state", "in", MISSED_STATES),
        ]

    def _compute_missed_call_count(self):
        domain = [*self._missed_calls_domain(), ("processed", "=", False)]
        counts = dict(self.env["telephony.call"]._read_group(domain, ["team_id"], ["__count"]))
        for team in self:
            team.missed_call_count = counts.get(team, 0)

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        self.env.registry.clear_cache()  # res.users._telephony_agent_ids
        return teams

    def write(self, vals):
        result = super().write(vals)
        if {"member_ids", "sequence", "active", "company_id"} & set(vals):
            self.env.registry.clear_cache()  # res.users._telephony_agent_ids
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # res.users._telephony_agent_ids
        return result

    def _task_assignee(self):
        """Who gets a task handed to the team: its leader, else its first member."""
        self.ensure_one()
        return self.leader_id or self.member_ids[:1]

    def action_view_missed_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_call_missed")
        action["domain"] = self._missed_calls_domain()
        action["context"] = {"default_team_id": self.id, "search_default_not_processed": 1}
        return action
