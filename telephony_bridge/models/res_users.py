from odoo import Command, api, fields, models, tools
from odoo.exceptions import ValidationError

AGENT_FIELDS = {"telephony_extension", "company_ids", "active", "partner_id", "telephony_team_ids"}
# The groups of the technical users the endpoints run as, with the models whose records use them.
PBX_GROUP = "telephony_bridge.group_telephony_pbx_integration"
SMS_GROUP = "telephony_bridge.group_telephony_sms_integration"
TECHNICAL_USER_MODELS = {"telephony.pbx": PBX_GROUP, "telephony.sms.provider": SMS_GROUP}


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
        technical = self._telephony_technical_users() if "groups_id" in vals and len(self) > 1 else self.browse()
        if technical and self - technical:
            # Odoo gives the groups newly added to the default user template (a module that
            # is installed later, say account) to every internal user at once: a PBX's or SMS
            # provider's technical user keeps its one group, the others get them.
            result = (self - technical).write(vals)
            rest = {key: value for key, value in vals.items() if key != "groups_id"}
            if rest:
                technical.write(rest)
            return result
        result = super().write(vals)
        if AGENT_FIELDS & set(vals):
            self.env.registry.clear_cache()  # _telephony_agent_ids
        return result

    def _telephony_technical_users(self):
        """Those of these users that a PBX or an SMS provider acts as."""
        users = self.browse()
        for model in TECHNICAL_USER_MODELS:
            records = self.env[model].sudo().with_context(active_test=False).search([("user_id", "in", self.ids)])
            users |= records.user_id
        return users & self

    def unlink(self):
        with_extension = any(self.mapped("telephony_extension"))
        result = super().unlink()
        if with_extension:
            self.env.registry.clear_cache()  # _telephony_agent_ids
        return result

    @api.constrains("groups_id")
    def _check_telephony_technical_user(self):
        """A PBX's or SMS provider's technical user keeps its one group: no right can be added to it."""
        for model, group_xmlid in TECHNICAL_USER_MODELS.items():
            records = self.env[model].sudo().with_context(active_test=False).search([("user_id", "in", self.ids)])
            for record in records:
                record.user_id._telephony_check_technical_user(group_xmlid, record, check_company=False)

    def _telephony_check_technical_user(self, group_xmlid, record, check_company=True):
        """Raise unless ``self`` may be the technical user of ``record`` (a PBX or an SMS provider).

        It must be an ordinary user whose groups are the integration group ``group_xmlid``
        and what that group implies (internal user), nothing more: not the superuser, not
        an administrator, not an agent or a manager; and it must work in ``record``'s company.
        """
        self.ensure_one()
        group = self.env.ref(group_xmlid)
        user = self.sudo()
        # Odoo itself adds "Multi Companies" to a user of several companies: no right on records.
        allowed = group | group.trans_implied_ids | self.env.ref("base.group_multi_company")
        extra = user.groups_id - allowed
        if user._is_superuser() or group not in user.groups_id or extra:
            raise ValidationError(
                self.env._(
                    "%(record)s must act as a technical user of its own, member of the group "
                    '"%(group)s" only; %(user)s also has: %(extra)s.',
                    record=record.display_name,
                    group=group.name,
                    user=user.name,
                    extra=", ".join(extra.mapped("full_name")) or self.env._("no group %s", group.name),
                )
            )
        if check_company and record.company_id not in user.company_ids:
            raise ValidationError(
                self.env._(
                    "The technical user %(user)s of %(record)s must work in its company %(company)s.",
                    user=user.name,
                    record=record.display_name,
                    company=record.company_id.name,
                )
            )

    @api.model
    def _telephony_create_technical_users(self, records, group_xmlid, login_prefix):
        """Create and assign the technical user of each of ``records`` (PBXs or SMS providers).

        Created as the superuser: configuring a PBX is a telephony manager's job, creating
        users is not, and the user created gets nothing but the integration group (the
        rights to record calls, or to update SMS states, in the record's company), no
        password (nobody can log in as it), the record's company only.
        """
        group = self.env.ref(group_xmlid)
        Users = self.sudo().with_context(no_reset_password=True, tracking_disable=True)
        for record in records:
            login, taken = f"{login_prefix}_{record.id}", 0
            while Users.with_context(active_test=False).search_count([("login", "=", login)], limit=1):
                taken += 1  # an earlier technical user of the record, replaced
                login = f"{login_prefix}_{record.id}_{taken}"
            record.user_id = Users.create(
                {
                    "name": record.name,
                    "login": login,
                    "company_id": record.company_id.id,
                    "company_ids": [Command.set(record.company_id.ids)],
                    "groups_id": [Command.set(group.ids)],
                }
            )

    @api.model
    def _telephony_create_missing_technical_users(self):
        """Give their technical user to the PBXs and SMS providers that have none (module update)."""
        for model, group_xmlid in TECHNICAL_USER_MODELS.items():
            records = self.env[model].sudo().with_context(active_test=False).search([("user_id", "=", False)])
            self._telephony_create_technical_users(records, group_xmlid, model.replace(".", "_"))

    def _telephony_follow_company(self, record, company):
        """``record`` (a PBX or an SMS provider) moves to ``company``: so does its technical
        user, which keeps only the companies of the records it serves."""
        for user in self.sudo():
            companies = company
            for model in TECHNICAL_USER_MODELS:
                served = self.env[model].sudo().with_context(active_test=False).search([("user_id", "=", user.id)])
                if model == record._name:
                    served -= record.sudo()
                companies |= served.company_id
            user.write({"company_ids": [Command.set(companies.ids)], "company_id": company.id})

    @api.model
    @tools.ormcache("extension", "company_id")
    def _telephony_agent_ids(self, extension, company_id):
        """(user id, partner id, team id) of the active user at ``extension`` in
        ``company_id``, zeros if none; cached per worker. The partner is the user's bus
        channel; the team is the user's first active team of that company."""
        # Read with the rights of the caller, the PBX's technical user: internal users
        # read the users and (with its group) the teams of their company.
        user = self.search([("telephony_extension", "=", extension), ("company_ids", "in", [company_id])], limit=1)
        if not user:
            return 0, 0, 0
        team = self.env["telephony.team"].search(
            [("member_ids", "in", user.ids), ("company_id", "=", company_id)], limit=1
        )
        return user.id, user.partner_id.id, team.id
