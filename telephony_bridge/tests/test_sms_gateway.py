from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TelephonyHttpCase
from .fake_server import FakeHttpServer


@tagged("post_install", "-at_install")
class TestSmsGateway(TelephonyHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["telephony.sms.provider"].create(
            {
                "name": "Local Gateway",
                "url": "http://127.0.0.1:9/send",
                "auth_type": "bearer",
                "auth_secret": "gw-key",
                "sender": "ACME",
                "success_path": "status",
                "success_value": "ok",
                "message_id_path": "id",
                "dlr_token": "dlr-secret",
            }
        )

    def new_sms(self, number="030 1234567", body="Your invoice INV/2026/0007 is due."):
        return self.env["sms.sms"].create({"number": number, "body": body, "partner_id": self.customer.id})

    def test_sms_goes_through_the_provider(self):
        sms = self.new_sms()
        with FakeHttpServer(lambda request: (200, {"status": "OK", "id": "gw-1"})) as server:
            self.provider.url = f"{server.url}/send"
            sms.send(unlink_sent=False)
        self.assertEqual(len(server.requests), 1)
        request = server.requests[0]
        self.assertEqual(request["path"], "/send")
        self.assertEqual(request["headers"]["Authorization"], "Bearer gw-key")
        self.assertEqual(
            request["json"],
            {"to": "+49301234567", "text": "Your invoice INV/2026/0007 is due.", "from": "ACME", "reference": sms.uuid},
        )
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.provider_message_id, "gw-1")
        self.assertEqual(sms.provider_id, self.provider)

    def test_partner_sms_from_chatter_uses_the_provider(self):
        with FakeHttpServer(lambda request: (200, {"status": "ok"})) as server:
            self.provider.url = f"{server.url}/send"
            message = self.customer._message_sms("Your technician arrives at 10:00.", sms_numbers=["+49 30 1234567"])
            # Only this message's SMS: other addons' demo data may have SMS waiting in the queue.
            self.env["sms.sms"].search([("mail_message_id", "=", message.id)]).send(unlink_sent=False)
        self.assertEqual([r["json"]["text"] for r in server.requests], ["Your technician arrives at 10:00."])

    @mute_logger("odoo.addons.telephony_bridge.models.telephony_sms_provider")
    def test_provider_failure_is_logged_with_its_answer(self):
        sms = self.new_sms()
        with FakeHttpServer(lambda request: (402, {"status": "error", "reason": "quota exceeded"})) as server:
            self.provider.url = f"{server.url}/send"
            sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.assertIn("quota exceeded", sms.provider_answer)

    @mute_logger("odoo.addons.telephony_bridge.models.telephony_sms_provider")
    def test_unreachable_provider_and_bad_number(self):
        unreachable = self.new_sms()
        bad_number = self.new_sms(number="call me")
        self.provider.url = "http://127.0.0.1:9/send"  # discard port: connection refused
        (unreachable | bad_number).send(unlink_sent=False)
        self.assertEqual((unreachable.state, unreachable.failure_type), ("error", "sms_server"))
        self.assertTrue(unreachable.provider_answer)
        self.assertEqual((bad_number.state, bad_number.failure_type), ("error", "sms_number_format"))

    def test_without_provider_odoo_iap_is_used(self):
        # the demo data's provider too
        self.env["telephony.sms.provider"].search([("company_id", "=", self.env.company.id)]).active = False
        self.assertFalse(self.env["telephony.sms.provider"]._get_provider())

    def test_demo_provider_sends_nothing(self):
        """A demo database's provider marks the SMS sent and makes no request at all."""
        self.provider.url = "demo:"
        sms = self.new_sms()
        with self.assertNoLogs("odoo.addons.telephony_bridge.models.telephony_sms_provider", "WARNING"):
            sms.send(unlink_sent=False)  # a request to "demo:" would fail: the SMS would end in error
        self.assertEqual(sms.state, "sent", "delivered at once: no delivery report will come")
        self.assertEqual(sms.provider_id, self.provider)
        self.assertEqual(sms.provider_message_id, f"demo-{sms.uuid}")

    def test_delivery_report_updates_the_sms(self):
        sms = self.new_sms()
        sms.write({"state": "pending", "provider_id": self.provider.id})  # sent through the provider
        url = f"/telephony/sms/{self.provider.id}/status"
        body = f'{{"reference": "{sms.uuid}", "status": "DELIVERED"}}'.encode()
        self.assertEqual(self.url_open(url, data=body).status_code, 401)
        wrong = self.url_open(url, data=body, headers={"X-Telephony-Token": "nope"})
        self.assertEqual((wrong.status_code, wrong.json()), (403, {"error": "wrong token"}))
        self.assertEqual(sms.state, "pending")
        ok = self.url_open(url + "?token=dlr-secret", data=body)
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.json(), {"states": ["sent"]})
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "sent")

    def test_delivery_report_failure_and_unknown_reference(self):
        sms = self.new_sms()
        sms.write({"state": "pending", "provider_id": self.provider.id})
        url = f"/telephony/sms/{self.provider.id}/status"
        headers = {"X-Telephony-Token": "dlr-secret"}
        expired = self.url_open(
            url, data=f'[{{"reference": "{sms.uuid}", "status": "expired"}}]'.encode(), headers=headers
        )
        self.assertEqual(expired.json(), {"states": ["error"]})
        sms.invalidate_recordset()
        self.assertEqual((sms.state, sms.failure_type), ("error", "unknown"))
        self.assertIn("expired", sms.provider_answer)
        unknown = self.url_open(url, data=b'{"reference": "nope", "status": "delivered"}', headers=headers)
        self.assertEqual((unknown.status_code, unknown.json()), (404, {"error": "unknown SMS reference 'nope'"}))

    def test_delivery_failure_reaches_the_chatter_notification(self):
        with FakeHttpServer(lambda request: (200, {"status": "ok"})) as server:
            self.provider.url = f"{server.url}/send"
            message = self.customer._message_sms("Reminder", sms_numbers=["+49 30 1234567"])
            self.env["sms.sms"].search([("state", "=", "outgoing")]).send(unlink_sent=False)
        reference = server.requests[0]["json"]["reference"]
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "pending")
        response = self.url_open(
            f"/telephony/sms/{self.provider.id}/status?token=dlr-secret",
            data=f'{{"reference": "{reference}", "status": "undelivered"}}'.encode(),
        )
        self.assertEqual(response.status_code, 200)
        notification.invalidate_recordset()
        self.assertEqual(
            (notification.notification_status, notification.failure_type), ("exception", "sms_not_delivered")
        )
