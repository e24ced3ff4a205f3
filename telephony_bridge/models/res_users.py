from odoo import api, fields, models, tools

AGENT_FIELDS = {"telephony_extension", "company_ids", "active", "partner_id", "telephony_team_ids"}


class ResUsers(models.Model):
    _inherit = "res.users"

    telephony_extension = fields.Char(
        string="Phone Extension",
        index="btree_not_null",
        copy=False,
        help="Internal extension of this user on the PBX: calls ringing there are shown to this user.",
    )
    telephony_team_ids = fields.Many2many(
        "telephony.team",
        "telephony_team_res_users_rel",
        "user_id",
        "team_id",
        string="Telephony Teams",
        help="The user sees the missed calls of these teams; calls ringing the user belong to the first one.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if any(vals.get("telephony_extension") for vals in vals_list):
            self.env.registry.clear_cache()  # _telephony_agent_ids
        return users

    def write(self, vals):
        result = super().write(vals)
        if AGENT_FIELDS & set(vals):
            self.env.registry.clear_cache()  # _telephony_agent_ids
        return result

    def unlink(self):
        with_extension = any(self.mapped("telephony_extension"))
        result = super().unlink()
        if with_extension:
            self.env.registry.clear_cache()  # _telephony_agent_ids
        return result

    @api.model
    @tools.ormcache("extension", "company_id")
    def _telephony_agent_ids(self, extension, company_id):
        """(user id, partner id, team id) of the active user at ``extension`` in
        ``company_id``, zeros if none; cached per worker. The partner is the user's bus
        channel; the team is the user's first active team of that company."""
        user = self.sudo().search(
            [("telephony_extension", "=", extension), ("company_ids", "in", [company_id])], limit=1
        )
        if not user:
            return 0, 0, 0
        team = (
            self.env["telephony.team"]
            .sudo()
            .search([("member_ids", "in", user.ids), ("company_id", "=", company_id)], limit=1)
        )
        return user.id, user.partner_id.id, team.id
