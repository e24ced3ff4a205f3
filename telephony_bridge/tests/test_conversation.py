from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import T0, TelephonyCase

PETRA_MOBILE = "+49 (171) 555-0101"


@tagged("post_install", "-at_install")
class TestConversations(TelephonyCase):
    """Conversations per service on the customer card, and the tasks agents hand from them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = cls._telephony_user("tel_seller", "Sam Seller", "user", extension="103")
        Team = cls.env["telephony.team"]
        cls.support = Team.create(
            {
                "name": "Support",
                "member_ids": [Command.set((cls.agent | cls.colleague).ids)],
                "leader_id": cls.colleague.id,
            }
        )
        cls.sales = Team.create({"name": "Sales", "member_ids": [Command.set(cls.seller.ids)]})
        Tag = cls.env["telephony.service.tag"]
        cls.website = Tag.create({"name": "Website"})
        cls.router = Tag.create({"name": "Router"})
        cls.Conversation = cls.env["telephony.conversation"]

    def answered_call(self, call_id, seconds, number=PETRA_MOBILE, extension="101"):
        self.event("ringing", seconds, call_id, direction="inbound", extension=extension, **{"from": number})
        self.event("answered", seconds + 5, call_id, extension=extension)
        return self.event("hangup", seconds + 125, call_id, recording_url=f"https://pbx.example.com/rec/{call_id}.mp3")

    def conversation_from_call(self, call, user, **values):
        """What the agent does on the call's form: Conversation, then say what it was about."""
        action = call.with_user(user).action_open_conversation()
        with Form(self.Conversation.with_user(user).with_context(**action["context"])) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def create_task(self, conversation, user, **values):
        action = conversation.with_user(user).action_open_task_wizard()
        Wizard = self.env["telephony.conversation.task"].with_user(user).with_context(**action["context"])
        with Form(Wizard) as form:
            for name, value in values.items():
                setattr(form, name, value)
        wizard = form.record
        before = self.env["mail.activity"].search([("telephony_conversation_id", "=", conversation.id)])
        wizard.action_create_task()
        return self.env["mail.activity"].search([("telephony_conversation_id", "=", conversation.id)]) - before

    def test_task_handed_to_support_carries_the_customer_contact_number_and_the_last_call(self):
        first = self.answered_call("conv-1", 0)
        last = self.answered_call("conv-2", 86400)  # a day later
        other_service = self.answered_call("conv-3", 2 * 86400)  # the newest call, about the router
        self.assertEqual((first.partner_id, last.partner_id), (self.contact, self.contact))

        offer = self.conversation_from_call(first, self.agent, service_tag_id=self.website, outcome="offer")
        self.assertEqual(
            (offer.partner_id, offer.contact_id, offer.phone, offer.kind, offer.user_id, offer.date),
            (self.customer, self.contact, PETRA_MOBILE, "call", self.agent, T0),
        )
        self.conversation_from_call(last, self.agent, service_tag_id=self.website, outcome="follow_up")
        self.conversation_from_call(other_service, self.agent, service_tag_id=self.router, outcome="solved")
        # a meeting about the website after both calls: no call of its own
        meeting = self.Conversation.with_user(self.agent).create(
            {
                "partner_id": self.customer.id,
                "contact_id": self.contact.id,
                "kind": "meeting",
                "date": T0 + timedelta(days=3),
                "service_tag_id": self.website.id,
                "outcome": "offer",
                "next_step": "Install the website on the new server",
            }
        )
        self.assertEqual(meeting.phone, PETRA_MOBILE)  # the contact person's mobile

        task = self.create_task(meeting, self.agent, team_id=self.support, date_deadline=T0.date())
        self.assertEqual(len(task), 1)
        # the team's leader gets it, in the conversation's chatter
        self.assertEqual((task.user_id, task.telephony_team_id), (self.colleague, self.support))
        self.assertEqual((task.res_model, task.res_id), ("telephony.conversation", meeting.id))
        self.assertEqual(task.summary, "Install the website on the new server")
        # the last call about the website, not the newer one about the router, nor the first
        self.assertEqual(task.telephony_call_id, last)
        self.assertEqual(task.telephony_call_recording_url, f"/telephony/call/{last.id}/recording")
        self.assertEqual(
            (task.telephony_partner_id, task.telephony_contact_id, task.telephony_phone),
            (self.customer, self.contact, PETRA_MOBILE),
        )
        note = task.note.striptags() if hasattr(task.note, "striptags") else str(task.note)
        for text in ("Bäckerei Schulz", "Petra Schulz", PETRA_MOBILE, "Website", "Last call"):
            self.assertIn(text, note)
        # The colleague finds it among their tasks, opens the conversation, plays the last call.
        mine = (
            self.env["mail.activity"]
            .with_user(self.colleague)
            .search([("telephony_conversation_id", "!=", False), ("user_id", "=", self.colleague.id)])
        )
        self.assertEqual(mine, task)
        self.assertEqual(mine.telephony_conversation_id.with_user(self.colleague).service_label, "Website")
        self.assertIn("Task Install the website", meeting.message_ids[0].body)

        # Handing a task from the first call's conversation also points at the last call.
        own = self.create_task(offer, self.agent, summary="Send the offer")
        self.assertEqual((own.user_id, own.telephony_call_id), (self.agent, last))

    def test_a_conversation_about_no_service_links_its_own_call(self):
        call = self.answered_call("conv-4", 0)
        self.answered_call("conv-5", 3600)  # a later call of the same customer, logged about nothing
        conversation = self.conversation_from_call(call, self.agent, next_step="Call back with the price")
        task = self.create_task(conversation, self.agent)
        self.assertEqual((task.telephony_call_id, task.user_id), (call, self.agent))

    def test_customer_card_groups_conversations_by_service(self):
        values = {"partner_id": self.customer.id, "kind": "note"}
        as_agent = self.Conversation.with_user(self.agent)
        as_agent.create([values | {"service_tag_id": self.website.id}] * 2)
        as_agent.create(values | {"service_tag_id": self.router.id, "contact_id": self.contact.id})
        as_agent.create(values)
        # opened from the contact person's card: the customer's conversations
        action = self.contact.with_user(self.agent).action_view_telephony_conversations()
        self.assertEqual(action["context"]["group_by"], ["service_label"])
        self.assertEqual(self.contact.with_user(self.agent).telephony_conversation_count, 4)
        groups = as_agent._read_group(action["domain"], ["service_label"], ["__count"])
        self.assertEqual(dict(groups), {"Website": 2, "Router": 1, False: 1})
        # renaming the service regroups its conversations
        self.website.name = "Web Shop"
        groups = as_agent._read_group(action["domain"], ["service_label"], ["__count"])
        self.assertEqual(dict(groups), {"Web Shop": 2, "Router": 1, False: 1})

    def test_service_documents_offered_are_those_of_installed_addons(self):
        selection = dict(self.Conversation._selection_service_ref())
        for model in ("subscription.subscription", "cert.license", "cert.certificate.set"):
            self.assertEqual(model in selection, model in self.env)

    def test_stages_are_set_per_team(self):
        Stage = self.env["telephony.task.stage"]
        diagnosis = Stage.create({"name": "Diagnosis", "sequence": 0, "team_id": self.support.id})
        offer_sent = self.env.ref("telephony_bridge.task_stage_offer_sent")
        conversation = self.Conversation.with_user(self.agent).create(
            {"partner_id": self.customer.id, "kind": "note", "service_tag_id": self.router.id}
        )
        support_task = self.create_task(conversation, self.agent, team_id=self.support)
        sales_task = self.create_task(conversation, self.agent, team_id=self.sales, summary="Offer a new router")
        self.assertEqual(support_task.telephony_task_stage_id, diagnosis)
        self.assertEqual(sales_task.telephony_task_stage_id, self.env.ref("telephony_bridge.task_stage_new"))
        self.assertEqual(sales_task.user_id, self.seller)  # no leader: the first member
        # the seller moves their task on; the support stage is not one of sales
        sales_task.with_user(self.seller).telephony_task_stage_id = offer_sent
        self.assertEqual(sales_task.telephony_task_stage_id, offer_sent)
        with self.assertRaises(ValidationError):
            sales_task.with_user(self.seller).telephony_task_stage_id = diagnosis
        # the task board shows each agent the stages of their teams and of no team only
        columns = self.env["mail.activity"].with_user(self.seller)._read_group_telephony_task_stage_ids
        Stages = Stage.with_user(self.seller)
        self.assertIn(offer_sent, columns(Stages.browse(), []))
        self.assertNotIn(diagnosis, columns(Stages.browse(), []), "the support team's stage")
        self.assertIn(
            diagnosis,
            self.env["mail.activity"].with_user(self.agent)._read_group_telephony_task_stage_ids(Stages.browse(), []),
        )
        self.assertIn(diagnosis, columns(Stages.browse(diagnosis.ids), []), "a stage holding tasks stays")
        # the list shows the state Odoo computes from the due date
        sales_task.date_deadline = fields.Date.today() - timedelta(days=1)
        self.assertEqual(sales_task.state, "overdue")

    def test_team_without_anyone_cannot_take_a_task(self):
        empty = self.env["telephony.team"].create({"name": "Night Shift"})
        conversation = self.Conversation.with_user(self.agent).create({"partner_id": self.customer.id})
        wizard = (
            self.env["telephony.conversation.task"]
            .with_user(self.agent)
            .create({"conversation_id": conversation.id, "team_id": empty.id})
        )
        self.assertFalse(wizard.user_id)
        with self.assertRaises(UserError):
            wizard.action_create_task()
        self.assertFalse(conversation.activity_ids)

    def test_agent_access(self):
        Conversation = self.Conversation.with_user(self.agent)
        mine = Conversation.create({"partner_id": self.customer.id, "service_tag_id": self.website.id})
        mine.outcome = "solved"
        theirs = self.Conversation.with_user(self.colleague).create({"partner_id": self.customer.id})
        self.assertEqual(Conversation.search([("id", "in", (mine | theirs).ids)]), mine | theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.agent).outcome = "solved"  # only its agent edits it
        with self.assertRaises(AccessError):
            mine.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            self.env["telephony.task.stage"].with_user(self.agent).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["telephony.service.tag"].with_user(self.agent).create({"name": "Mine"})
        # ...but hands a task from the colleague's conversation
        task = self.create_task(theirs, self.agent, summary="Check the router")
        self.assertEqual(task.user_id, self.agent)
        with self.assertRaises(ValidationError):
            Conversation.create(
                {"partner_id": self.env["res.partner"].create({"name": "Other"}).id, "contact_id": self.contact.id}
            )
        theirs.with_user(self.manager).unlink()
        self.assertFalse(task.exists())

    def test_user_of_another_company_cannot_see(self):
        other_company = self.env["res.company"].create({"name": "Other Telco"})
        stranger = new_test_user(
            self.env,
            login="tel_stranger",
            groups="base.group_user,telephony_bridge.group_telephony_bridge_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        conversation = self.Conversation.with_user(self.agent).create({"partner_id": self.customer.id})
        task = self.create_task(conversation, self.agent, summary="Call back")
        self.assertFalse(self.Conversation.with_user(stranger).search([("id", "=", conversation.id)]))
        with self.assertRaises(AccessError):
            conversation.with_user(stranger).read(["partner_id"])
        self.assertFalse(self.env["mail.activity"].with_user(stranger).search([("id", "=", task.id)]))
        self.assertEqual(self.customer.with_user(stranger).telephony_conversation_count, 0)

    def test_stages_and_task_speak_the_agents_language(self):
        self.env["res.lang"]._activate_lang("uk_UA")
        self.env["ir.module.module"].search([("name", "=", "telephony_bridge")])._update_translations(["uk_UA"])
        self.agent.lang = "uk_UA"
        Stage = self.env["telephony.task.stage"].with_user(self.agent).with_context(lang="uk_UA")
        names = Stage.search([("team_id", "=", False)]).mapped("name")
        self.assertEqual(names, ["Нове", "Пропозицію надіслано", "Виставлено рахунок", "Виконано"])
        call = self.answered_call("conv-uk", 0)
        conversation = self.conversation_from_call(call, self.agent, service_tag_id=self.router)
        wizard = (
            self.env["telephony.conversation.task"]
            .with_user(self.agent)
            .with_context(lang="uk_UA")
            .create({"conversation_id": conversation.id, "summary": "Замінити роутер"})
        )
        wizard.action_create_task()
        note = str(conversation.activity_ids.note)
        for text in ("Клієнт", "Контактна особа", "Номер", "Останній дзвінок", PETRA_MOBILE):
            self.assertIn(text, note)
