from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TelephonyHttpCase
from .fake_server import FakeHttpServer

PBX_GROUP = "telephony_bridge.group_telephony_pbx_integration"
SMS_GROUP = "telephony_bridge.group_telephony_sms_integration"


class TechnicalUserAssertions:
    def assertTechnicalUser(self, user, group_xmlid, company):
        group = self.env.ref(group_xmlid)
        self.assertTrue(user.active)
        self.assertFalse(user.share, "an internal user")
        self.assertEqual(user.groups_id, group | group.trans_implied_ids, "the integration group only")
        self.assertFalse(user.has_group("base.group_system") or user.has_group("base.group_erp_manager"))
        self.assertFalse(user.has_group("telephony_bridge.group_telephony_bridge_user"))
        self.assertEqual((user.company_id, user.company_ids), (company, company))
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        self.assertFalse(self.env.cr.fetchone()[0], "no password: nobody logs in as it")


@tagged("post_install", "-at_install")
class TestPbxTechnicalUser(TechnicalUserAssertions, TelephonyHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Rival Telecom", "country_id": cls.env.ref("base.de").id}
        )
        cls.pbx_b = cls.env["telephony.pbx"].create(
            {"name": "Rival PBX", "company_id": cls.company_b.id, "webhook_secret": "rival-token"}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Rival's Customer", "phone": "+49 40 7777777", "company_id": cls.company_b.id}
        )

    def ringing(self, call_id, caller, direction="inbound", **values):
        return {"call_id": call_id, "event": "ringing", "timestamp": 1772442000, "direction": direction,
                "from": caller, "to": "+49 30 9999000", **values}  # fmt: skip

    def call(self, call_id, pbx=None):
        pbx = pbx or self.pbx
        return self.env["telephony.call"].search([("pbx_id", "=", pbx.id), ("pbx_call_id", "=", call_id)])

    def test_each_pbx_gets_a_technical_user_of_its_company(self):
        self.assertTechnicalUser(self.pbx.user_id, PBX_GROUP, self.company)
        self.assertTechnicalUser(self.pbx_b.user_id, PBX_GROUP, self.company_b)
        self.assertNotEqual(self.pbx.user_id, self.pbx_b.user_id)

    def test_webhook_records_calls_as_the_pbx_technical_user(self):
        self.assertEqual(self.post_event(self.ringing("tu-1", "030 1234567", extension="101")).status_code, 200)
        call = self.call("tu-1")
        self.assertEqual(call.create_uid, self.pbx.user_id)
        self.assertEqual(call.partner_id, self.customer)
        hangup = {"call_id": "tu-1", "event": "hangup", "timestamp": 1772442030}
        self.assertEqual(self.post_event(hangup).status_code, 200)
        call.invalidate_recordset()
        self.assertEqual(call.state, "missed")
        self.assertEqual((call.create_uid, call.write_uid), (self.pbx.user_id, self.pbx.user_id))
        self.assertNotIn(call.write_uid, self.env.ref("base.user_root") | self.env.ref("base.user_admin"))

    def test_pbx_user_neither_sees_nor_touches_another_company(self):
        missed_b = self.event("hangup", 30, "b-missed", pbx=self.pbx_b, direction="inbound", **{"from": "040 7777777"})
        self.assertEqual(missed_b.partner_id, self.customer_b)
        # PBX A calls the number of company B's customer, and calls it back
        response = self.post_event(self.ringing("a-out", "101", direction="outbound", to="040 7777777"))
        self.assertEqual(response.status_code, 200)
        for payload in (
            {"call_id": "a-out", "event": "answered", "timestamp": 1772442100},
            {"call_id": "a-out", "event": "hangup", "timestamp": 1772442200},
        ):
            self.assertEqual(self.post_event(payload).status_code, 200)
        call = self.call("a-out")
        self.assertEqual((call.state, call.remote_e164), ("answered", "+49407777777"))
        self.assertFalse(call.partner_id, "the caller-ID lookup of PBX A does not see company B's customer")
        missed_b.invalidate_recordset()
        self.assertFalse(missed_b.processed, "a call of company A settles no missed call of company B")
        # and by the ORM: the PBX A user reads no record of company B
        user_a = self.pbx.user_id
        calls = self.env["telephony.call"].with_user(user_a)
        self.assertFalse(calls.search([("id", "=", missed_b.id)]))
        with self.assertRaises(AccessError):
            missed_b.with_user(user_a).write({"note": "seen"})
        with self.assertRaises(AccessError):
            self.customer_b.with_user(user_a).read(["name"])
        with self.assertRaises(AccessError):
            calls.with_context(allowed_company_ids=self.company_b.ids).search([])

    @mute_logger("odoo.http")
    def test_calls_left_in_the_former_company_of_a_pbx_are_not_changed(self):
        self.assertEqual(self.post_event(self.ringing("moved", "030 1234567")).status_code, 200)
        call = self.call("moved")
        self.pbx.company_id = self.company_b
        self.assertEqual(self.pbx.user_id.company_ids, self.company_b, "the technical user follows its PBX")
        hangup = {"call_id": "moved", "event": "hangup", "timestamp": 1772442030}
        response = self.post_event(hangup)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "the call moved belongs to another company"})
        call.invalidate_recordset()
        self.assertEqual(call.state, "ringing")

    def test_technical_user_cannot_get_more_rights(self):
        user = self.pbx.user_id
        for group in ("base.group_system", "telephony_bridge.group_telephony_bridge_manager", "base.group_erp_manager"):
            with self.subTest(group=group), self.assertRaises(ValidationError):
                user.groups_id = [Command.link(self.env.ref(group).id)]
        for other in (self.env.ref("base.user_admin"), self.agent, self.pbx_b.user_id):
            with self.subTest(user=other.name), self.assertRaises(ValidationError):
                self.pbx.user_id = other

    def test_a_module_giving_every_internal_user_a_group_leaves_the_technical_user_alone(self):
        """Installing a module that adds a group to the default user template (account adds its
        Invoicing administrator) gives it to every internal user at once: not to a PBX's
        technical user, and the installation goes on instead of failing on its constraint."""
        new_app = self.env["res.groups"].create({"name": "Newly installed app: manager"})
        self.env.ref("base.default_user").groups_id = [Command.link(new_app.id)]
        self.assertIn(new_app, self.env.ref("base.user_admin").groups_id, "the other internal users get it")
        self.assertNotIn(new_app, self.pbx.user_id.groups_id)
        self.assertTechnicalUser(self.pbx.user_id, PBX_GROUP, self.company)
        self.assertTechnicalUser(self.pbx_b.user_id, PBX_GROUP, self.company_b)

    def test_events_cannot_be_recorded_as_another_user(self):
        config = self.pbx._webhook_config(self.pbx.id)
        for calls in (self.env["telephony.call"], self.env["telephony.call"].with_user(self.manager)):
            with self.subTest(user=calls.env.user.name), self.assertRaises(AccessError):
                calls._ingest_events(config, [])

    def test_module_update_gives_older_pbxs_their_technical_user(self):
        self.pbx_b.user_id = False  # a PBX made before the technical users
        self.env["res.users"]._telephony_create_missing_technical_users()
        self.assertTechnicalUser(self.pbx_b.user_id, PBX_GROUP, self.company_b)
        self.assertEqual(self.pbx_b.user_id.login, f"telephony_pbx_{self.pbx_b.id}_1")
        self.assertEqual(self.event("hangup", 9, "b-later", pbx=self.pbx_b).create_uid, self.pbx_b.user_id)

    def test_deleted_pbx_archives_its_user(self):
        pbx = self.env["telephony.pbx"].create({"name": "Short-lived PBX"})
        user = pbx.user_id
        pbx.unlink()
        self.assertFalse(user.active)


@tagged("post_install", "-at_install")
class TestSmsProviderTechnicalUser(TechnicalUserAssertions, TelephonyHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Rival Telecom"})
        values = {"url": "http://127.0.0.1:9/send", "auth_type": "none", "success_path": "status",
                  "success_value": "ok"}  # fmt: skip
        Provider = cls.env["telephony.sms.provider"]
        cls.provider = Provider.create({"name": "Gateway A", "dlr_token": "token-a", **values})
        cls.provider_b = Provider.create(
            {"name": "Gateway B", "dlr_token": "token-b", "company_id": cls.company_b.id, **values}
        )

    def send_reminder(self):
        with FakeHttpServer(lambda request: (200, {"status": "ok"})) as server:
            self.provider.url = f"{server.url}/send"
            message = self.customer._message_sms("Reminder", sms_numbers=["+49 30 1234567"])
            sms = self.env["sms.sms"].search([("mail_message_id", "=", message.id)])
            sms.send(unlink_sent=False)
        return sms, message.notification_ids

    def report(self, provider, token, reference, status):
        url = f"/telephony/sms/{provider.id}/status?token={token}"
        return self.url_open(url, data=f'{{"reference": "{reference}", "status": "{status}"}}'.encode())

    def test_each_provider_gets_a_technical_user_of_its_company(self):
        self.assertTechnicalUser(self.provider.user_id, SMS_GROUP, self.company)
        self.assertTechnicalUser(self.provider_b.user_id, SMS_GROUP, self.company_b)

    def test_delivery_report_is_applied_as_the_provider_technical_user(self):
        sms, notification = self.send_reminder()
        response = self.report(self.provider, "token-a", sms.uuid, "undelivered")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"states": ["error"]})
        sms.invalidate_recordset()
        notification.invalidate_recordset()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.write_uid, self.provider.user_id)
        self.assertEqual(
            (notification.notification_status, notification.failure_type), ("exception", "sms_not_delivered")
        )

    def test_provider_of_another_company_cannot_touch_the_sms(self):
        sms, notification = self.send_reminder()
        response = self.report(self.provider_b, "token-b", sms.uuid, "undelivered")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": f"unknown SMS reference {sms.uuid!r}"})
        sms.invalidate_recordset()
        notification.invalidate_recordset()
        self.assertEqual((sms.state, notification.notification_status), ("pending", "pending"))

    def test_technical_user_cannot_be_an_administrator(self):
        with self.assertRaises(ValidationError):
            self.provider.user_id = self.env.ref("base.user_admin")
        with self.assertRaises(ValidationError):
            self.provider.user_id.groups_id = [Command.link(self.env.ref("base.group_system").id)]
