from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import conversations

# Documents a conversation can be about, each offered when its addon is installed.
SERVICE_MODELS = ("subscription.subscription", "cert.license", "cert.certificate.set")


class TelephonyConversation(models.Model):
    """A call, meeting or note with a customer about one of their services.

    The service is a document of another addon (a subscription, a licence, a
    certificate set: offered when that addon is installed, so no bridge module is
    needed) or a free service tag. ``service_key`` / ``service_label`` are stored so
    the customer card can group conversations by service (a Reference field cannot be
    grouped by).
    """

    _name = "telephony.conversation"
    _description = "Customer Conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    # Colleagues who may read a conversation may comment on it and hand tasks from it
    # (an activity on a record needs this right on it), not only its agent, who alone edits it.
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        domain="[('parent_id', '=', partner_id)]",
        help="The person of the customer the agent spoke with.",
    )
    phone = fields.Char(
        string="Number",
        compute="_compute_phone",
        store=True,
        readonly=False,
        help="The number the contact person was reached on.",
    )
    kind = fields.Selection([("call", "Call"), ("meeting", "Meeting"), ("note", "Note")], required=True, default="call")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", default=lambda self: self.env.user, index=True, tracking=True
    )
    call_id = fields.Many2one("telephony.call", index="btree_not_null", ondelete="set null")
    recording_url = fields.Char(
        string="Recording",
        compute="_compute_recording_url",
        compute_sudo=True,
        help="The call's recording, through the address that checks the user may see the call.",
    )
    service_ref = fields.Reference(
        selection="_selection_service_ref",
        string="Service Document",
        help="The subscription, licence or certificate set the conversation is about.",
    )
    service_tag_id = fields.Many2one(
        "telephony.service.tag",
        string="Service",
        help="A free service the conversation is about, when no document stands for it.",
    )
    service_key = fields.Char(compute="_compute_service", store=True, index="btree_not_null")
    service_label = fields.Char(string="About", compute="_compute_service", store=True)
    outcome = fields.Selection(
        [
            ("solved", "Solved"),
            ("follow_up", "Follow-up Needed"),
            ("offer", "Offer Requested"),
            ("complaint", "Complaint"),
            ("not_interested", "Not Interested"),
            ("no_answer", "No Answer"),
        ],
        tracking=True,
    )
    next_step = fields.Char(tracking=True)
    note = fields.Html(string="Notes")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    task_ids = fields.One2many("mail.activity", "telephony_conversation_id", string="Tasks")

    @api.model
    def _selection_service_ref(self):
        return [(model, self.env[model]._description) for model in SERVICE_MODELS if model in self.env]

    @api.depends(
        "contact_id.mobile", "contact_id.phone", "partner_id.phone", "partner_id.mobile", "call_id.remote_number"
    )
    def _compute_phone(self):
        for conversation in self:
            person = conversation.contact_id or conversation.partner_id
            conversation.phone = (
                conversation.call_id.remote_number or person.mobile or person.phone or conversation.phone
            )

    @api.depends("call_id.recording_url")
    def _compute_recording_url(self):
        for conversation in self:
            call = conversation.call_id
            conversation.recording_url = f"/telephony/call/{call.id}/recording" if call.recording_url else False

    @api.depends("service_ref", "service_tag_id.name")
    def _compute_service(self):
        for conversation in self:
            document = conversation.service_ref
            conversation.service_key = conversations.service_key(
                document and document._name, document and document.id, conversation.service_tag_id.id
            )
            conversation.service_label = (
                document.display_name if document else conversation.service_tag_id.name
            ) or False

    @api.depends("partner_id", "service_label", "date")
    def _compute_display_name(self):
        for conversation in self:
            parts = [conversation.partner_id.display_name, conversation.service_label]
            conversation.display_name = " – ".join(part for part in parts if part) or self.env._("Conversation")

    @api.onchange("call_id")
    def _onchange_call_id(self):
        call = self.call_id
        if call:
            self.update(self._values_from_call(call))

    @api.model
    def _values_from_call(self, call):
        person = call.partner_id
        values = {
            "kind": "call",
            "call_id": call.id,
            "date": call.start_date or fields.Datetime.now(),
            "phone": call.remote_number,
            "company_id": call.company_id.id,
        }
        if call.agent_id:
            values["user_id"] = call.agent_id.id
        if person:
            values["partner_id"] = person.commercial_partner_id.id
            values["contact_id"] = person.id if person != person.commercial_partner_id else False
        return values

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for conversation in self:
            contact = conversation.contact_id
            if contact and contact.commercial_partner_id != conversation.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact person of %(customer)s.",
                        contact=contact.display_name,
                        customer=conversation.partner_id.display_name,
                    )
                )

    def _last_service_call(self):
        """The conversation holding the last call about this conversation's service with its customer.

        Among the conversations of the same customer about the same service (this
        conversation alone when it is about no service) that carry a call, the one whose
        call is newest. Only conversations the user may read are looked at; the call is
        known by its id and the conversation's date and number, which the user reads on
        the conversation, so a colleague's call is linked without reading it.
        """
        self.ensure_one()
        domain = [("call_id", "!=", False), ("company_id", "=", self.company_id.id)]
        if self.service_key:
            domain += [("partner_id", "=", self.partner_id.id), ("service_key", "=", self.service_key)]
        else:
            domain += [("id", "=", self.id)]
        rows = self.search_read(domain, ["date", "call_id"])
        call_id = conversations.last_call([(row["date"], row["call_id"][0]) for row in rows])
        holder = next((row["id"] for row in rows if row["call_id"][0] == call_id), False)
        return self.browse(holder)

    def action_open_task_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create Task"),
            "res_model": "telephony.conversation.task",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conversation_id": self.id},
        }

    def action_play_recording(self):
        self.ensure_one()
        return self.call_id.action_play_recording()
