import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import column_exists, create_column

from ..tools import phone

_logger = logging.getLogger(__name__)

BACKFILL_PARAM = "telephony_bridge.partner_backfill_last_id"


class ResPartner(models.Model):
    _inherit = "res.partner"

    phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_phone_e164",
        store=True,
        index="btree_not_null",
        help="Phone number in international form, used to recognize incoming calls.",
    )
    mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_phone_e164",
        store=True,
        index="btree_not_null",
        help="Mobile number in international form, used to recognize incoming calls.",
    )
    telephony_call_ids = fields.One2many("telephony.call", "partner_id", string="Calls")
    telephony_call_count = fields.Integer(compute="_compute_telephony_call_count", string="Call Count")
    telephony_conversation_ids = fields.One2many("telephony.conversation", "partner_id", string="Conversations")
    telephony_conversation_count = fields.Integer(
        compute="_compute_telephony_conversation_count", string="Conversation Count"
    )

    def _auto_init(self):
        # Create the columns empty: on a database with a million partners the ORM
        # would compute them all inside the install transaction. The backfill cron
        # fills them in committed batches instead.
        for column in ("phone_e164", "mobile_e164"):
            if not column_exists(self.env.cr, self._table, column):
                create_column(self.env.cr, self._table, column, "varchar")
        return super()._auto_init()

    def write(self, vals):
        result = super().write(vals)
        Company = self.env["res.company"].sudo()
        if "country_id" in vals and Company.search_count([("partner_id", "in", self.ids)], limit=1):
            self.env.registry.clear_cache()  # the PBXs' cached number region follows the company's country
        return result

    def _telephony_region(self):
        """Country (ISO code) used to read this partner's national numbers: the
        partner's own (a Berlin ``030 ...`` of a German customer is German wherever the
        company is), else the company's telephony country, else the company's country."""
        company = self.company_id or self.env.company
        country = self.country_id or company.telephony_default_country_id or company.country_id
        return country.code

    @api.depends("phone", "mobile", "company_id", "country_id")
    def _compute_phone_e164(self):
        for partner in self:
            region = partner._telephony_region()
            partner.phone_e164 = phone.to_e164(partner.phone, region)
            partner.mobile_e164 = phone.to_e164(partner.mobile, region)

    def _compute_telephony_call_count(self):
        counts = dict(
            self.env["telephony.call"]._read_group(
                [("partner_id", "in", self.ids)], groupby=["partner_id"], aggregates=["__count"]
            )
        )
        for partner in self:
            partner.telephony_call_count = counts.get(partner, 0)

    def _compute_telephony_conversation_count(self):
        counts = dict(
            self.env["telephony.conversation"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], groupby=["partner_id"], aggregates=["__count"]
            )
        )
        for partner in self:
            partner.telephony_conversation_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_telephony_conversations(self):
        """The customer's conversations, grouped by the service they are about."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_conversation")
        customer = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", customer.id)]
        action["context"] = {
            "default_partner_id": customer.id,
            "default_contact_id": self.id if self != customer else False,
            "group_by": ["service_label"],
        }
        return action

    @api.model
    def _telephony_find_by_number(self, number, region=None, company=None):
        """All partners whose phone or mobile is ``number`` (any written form).

        Two index lookups on the E.164 columns; companies first, then oldest.
        ``company`` restricts to the partners that company may see (the PBX's company
        when called from an endpoint running without a user).
        """
        return self._telephony_find_by_e164(phone.to_e164(number, region), company=company)

    @api.model
    def _telephony_find_by_e164(self, e164, company=None):
        """:meth:`_telephony_find_by_number` for a number already in E.164 form."""
        if not e164:
            return self.browse()
        domain = ["|", ("phone_e164", "=", e164), ("mobile_e164", "=", e164)]
        if company:
            domain += [("company_id", "in", [company.id, False])]
        return self.search(domain, order="is_company desc, id")

    @api.model
    def _telephony_caller_ids(self, e164, company_id, limit=None):
        """Ids of the partners :meth:`_telephony_find_by_e164` finds, in its order, without
        access rules: the privileged lookup of call-event ingestion, one SQL statement
        (the ORM's search costs more than the rest of an event's work)."""
        if not e164:
            return []
        self.flush_model(["phone_e164", "mobile_e164", "active", "company_id", "is_company"])
        self.env.cr.execute(
            """
            SELECT id
              FROM res_partner
             WHERE (phone_e164 = %(number)s OR mobile_e164 = %(number)s)
               AND active
               AND (company_id = %(company)s OR company_id IS NULL)
          ORDER BY is_company DESC, id
             LIMIT %(limit)s
            """,
            {"number": e164, "company": company_id, "limit": limit},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _telephony_caller_summary(self, day=None):
        """What an agent sees about a caller when the phone rings (on ``day``, default today).

        ``details`` is a list of short texts shown under the name: other addons
        (subscriptions, accounting) extend this method to append open subscriptions
        or the balance without this addon depending on them.
        """
        self.ensure_one()
        Package = self.env["telephony.support.package"]
        packages = Package
        if Package._exists_for(self.id):
            packages = Package._find_for(self, day or fields.Date.context_today(self))
        details = [
            self.env._(
                "%(service)s: %(hours).2f h left", service=package.service_id.name, hours=package.hours_remaining
            )
            for package in packages
        ]
        return {
            "id": self.id,
            "name": self.name or "",
            "company": self.commercial_company_name or (self.parent_id.name if self.parent_id else "") or "",
            "url": f"/odoo/contacts/{self.id}",
            "details": details,
        }

    def action_view_telephony_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_call")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_telephony_dial(self):
        self.ensure_one()
        number = self.mobile or self.phone
        if not number:
            raise UserError(_("%s has no phone number.", self.display_name))
        return self.env["telephony.pbx"].action_dial_number(number)

    @api.model
    def _telephony_backfill_batch(self, limit=5000):
        """Normalize the numbers of the next ``limit`` partners; return (done, remaining).

        Walks partners by id from a saved position, so a crash or a timeout resumes
        where it stopped; each batch is one SQL update.
        """
        params = self.env["ir.config_parameter"].sudo()
        last_id = int(params.get_param(BACKFILL_PARAM, 0))
        partners = self.with_context(active_test=False).search([("id", ">", last_id)], order="id", limit=limit)
        if not partners:
            return 0, 0
        ids, phones, mobiles = [], [], []
        for partner in partners:
            region = partner._telephony_region()
            ids.append(partner.id)
            phones.append(phone.to_e164(partner.phone, region))
            mobiles.append(phone.to_e164(partner.mobile, region))
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET phone_e164 = v.phone_e164, mobile_e164 = v.mobile_e164
              FROM unnest(%s::int[], %s::varchar[], %s::varchar[]) AS v(id, phone_e164, mobile_e164)
             WHERE p.id = v.id
            """,
            [ids, phones, mobiles],
        )
        partners.invalidate_recordset(["phone_e164", "mobile_e164"])
        params.set_param(BACKFILL_PARAM, str(ids[-1]))
        remaining = self.with_context(active_test=False).search_count([("id", ">", ids[-1])])
        return len(ids), remaining

    @api.model
    def _cron_backfill_phone_e164(self, limit=5000):
        """Cron (and install): start the number backfill, a job per batch, if partners are left to normalize."""
        last_id = int(self.env["ir.config_parameter"].sudo().get_param(BACKFILL_PARAM, 0))
        if self.with_context(active_test=False).search_count([("id", ">", last_id)], limit=1):
            return self._telephony_enqueue_backfill(limit)
        return None

    @api.model
    def _telephony_enqueue_backfill(self, limit):
        return self.with_delay(
            channel="root.telephony",
            description=self.env._("Normalize the phone numbers of the next %s partners", limit),
            identity_key="telephony_backfill_phone_e164",
        )._telephony_backfill_job(limit)

    @api.model
    def _telephony_backfill_job(self, limit=5000):
        """Job: one batch of the number backfill in its own transaction; the next batch is a job of its own."""
        done, remaining = self._telephony_backfill_batch(limit=limit)
        _logger.info("Normalized phone numbers of %s partners, %s left", done, remaining)
        if remaining:
            self._telephony_enqueue_backfill(limit)
        return self.env._("%(done)s partners normalized, %(remaining)s left", done=done, remaining=remaining)
