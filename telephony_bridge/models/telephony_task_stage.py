from odoo import fields, models


class TelephonyTaskStage(models.Model):
    """A stage of the tasks agents create from conversations (new, offer sent, invoiced...).

    A stage of no team is offered to every team; a team's own stages only to its tasks.
    """

    _name = "telephony.task.stage"
    _description = "Conversation Task Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    team_id = fields.Many2one(
        "telephony.team",
        ondelete="cascade",
        index="btree_not_null",
        help="Leave empty to offer the stage to the tasks of every team.",
    )
    fold = fields.Boolean(string="Folded in Kanban", help="Tasks in a folded stage are finished.")
    active = fields.Boolean(default=True)

    def _domain_for_team(self, team):
        return ["|", ("team_id", "=", False), ("team_id", "=", team.id)]

    def _first_for_team(self, team):
        """The first stage a new task of ``team`` (or of no team) starts in."""
        return self.search(self._domain_for_team(team), limit=1)
