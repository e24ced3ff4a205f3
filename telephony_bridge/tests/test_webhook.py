import json

from psycopg2.errors import UniqueViolation

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import T0, TelephonyHttpCase


@tagged("post_install", "-at_install")
class TestWebhook(TelephonyHttpCase):
    def calls(self, call_id="call-1"):
        return self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id), ("pbx_call_id", "=", call_id)])

    def ringing(self, call_id="call-1", caller="030 1234567", seconds=0):
        return {
            "call_id": call_id,
            "event": "ringing",
            "timestamp": 1772442000 + seconds,
            "direction": "inbound",
            "from": caller,
            "to": "+49 30 9999000",
            "extension": "101",
        }

    def test_missing_token_is_401_with_json(self):
        response = self.post_event(self.ringing(), token=None)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), {"error": "missing X-Telephony-Token header"})
        self.assertFalse(self.calls())

    def test_wrong_token_is_403_with_json(self):
        response = self.post_event(self.ringing(), token="guess")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"error": "wrong token"})
        self.assertFalse(self.calls())

    def test_hmac_signature(self):
        self.pbx.webhook_auth = "hmac"
        payload = self.ringing()
        self.assertEqual(self.post_event(payload, token=None).status_code, 401)
        bad = self.post_event(payload, token=None, signature=self.sign("other-secret", payload))
        self.assertEqual(bad.status_code, 403)
        self.assertEqual(bad.json(), {"error": "wrong signature"})
        self.assertFalse(self.calls())
        good = self.post_event(payload, token=None, signature=self.sign("s3cret-token", payload))
        self.assertEqual(good.status_code, 200)
        self.assertEqual(good.json()["state"], "ringing")
        self.assertEqual(len(self.calls()), 1)

    def test_unknown_pbx_is_404(self):
        response = self.url_open("/telephony/pbx/999999/event", data=b"{}", headers={"X-Telephony-Token": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": "unknown PBX"})

    def test_bad_payload_is_400_and_writes_nothing(self):
        response = self.post_event({"call_id": "c9", "event": "dance", "timestamp": 1})
        self.assertEqual(response.status_code, 400)
        self.assertIn("unknown event 'dance'", response.json()["error"])
        response = self.url_open(
            f"/telephony/pbx/{self.pbx.id}/event", data=b"not json", headers={"X-Telephony-Token": "s3cret-token"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "the body is not JSON"})
        batch = [self.ringing("c10"), {"call_id": "c10", "event": "nope", "timestamp": 1}]
        self.assertEqual(self.post_event(batch).status_code, 400)
        self.assertFalse(self.calls("c10"), "a rejected batch leaves nothing half-written")

    def test_answered_call_sequence(self):
        for payload in (
            self.ringing(),
            {"call_id": "call-1", "event": "answered", "timestamp": 1772442000 + 8, "extension": "101"},
            {"call_id": "call-1", "event": "hangup", "timestamp": 1772442000 + 128, "recording_url": "https://pbx/r/1"},
        ):
            self.assertEqual(self.post_event(payload).status_code, 200)
        call = self.calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "answered")
        self.assertEqual(call.partner_id, self.customer)
        self.assertEqual(call.agent_id, self.agent)
        self.assertEqual(call.remote_e164, "+49301234567")
        self.assertEqual(call.caller_number, "030 1234567")
        self.assertEqual(call.start_date, T0)
        self.assertEqual((call.ring_seconds, call.talk_seconds), (8, 120))
        self.assertEqual(call.recording_url, "https://pbx/r/1")
        self.assertEqual(self.customer.telephony_call_count, 1)

    def test_duplicates_and_out_of_order_events_make_one_call(self):
        hangup = {"call_id": "call-1", "event": "hangup", "timestamp": 1772442000 + 30, "cause": "no_answer"}
        for payload in (hangup, self.ringing(), hangup, self.ringing(), self.ringing()):
            response = self.post_event(payload)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json()["state"], "missed")
        call = self.calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "missed")
        self.assertEqual(call.ring_seconds, 30)
        self.assertEqual(call.partner_id, self.customer)

    def test_differently_written_numbers_match_the_same_partner(self):
        for index, caller in enumerate(("+49 30 1234567", "0049301234567", "(030) 123-4567", "030/1234567")):
            response = self.post_event(self.ringing(f"fmt-{index}", caller))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.calls(f"fmt-{index}").partner_id, self.customer, caller)

    def test_anonymous_and_malformed_numbers_are_logged(self):
        self.assertEqual(self.post_event(self.ringing("anon", "anonymous")).status_code, 200)
        self.assertEqual(self.post_event(self.ringing("bad", "12#4")).status_code, 200)
        anon, bad = self.calls("anon"), self.calls("bad")
        self.assertEqual((anon.number_kind, anon.remote_e164, anon.partner_id.id), ("anonymous", False, False))
        self.assertEqual((bad.number_kind, bad.remote_number, bad.partner_id.id), ("malformed", "12#4", False))

    def test_unknown_number_offers_a_prefilled_contact(self):
        self.post_event(self.ringing("new", "0221 4455667"))
        call = self.calls("new")
        self.assertFalse(call.partner_id)
        action = call.action_create_partner()
        self.assertEqual(action["context"]["default_phone"], "+492214455667")

    def test_twilio_format(self):
        self.pbx.pbx_type = "twilio"
        payload = {
            "CallSid": "CA42",
            "CallStatus": "busy",
            "Direction": "inbound",
            "From": "+49 171 5550101",
            "To": "+49 30 9999000",
            "Timestamp": "Mon, 02 Mar 2026 09:00:10 +0000",
        }
        response = self.post_event(payload)
        self.assertEqual(response.status_code, 200, response.text)
        call = self.calls("CA42")
        self.assertEqual(call.state, "busy")
        self.assertEqual(call.partner_id, self.contact)

    def test_batch_of_events(self):
        batch = [self.ringing("b1"), {"call_id": "b1", "event": "hangup", "timestamp": 1772442000 + 5}]
        response = self.post_event(batch)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["state"] for c in response.json()["calls"]], ["ringing", "missed"])
        self.assertEqual(self.calls("b1").state, "missed")

    @mute_logger("odoo.sql_db")
    def test_database_refuses_a_second_row_for_a_call(self):
        self.post_event(self.ringing())
        with self.assertRaises(UniqueViolation), self.env.cr.savepoint():
            self.env["telephony.call"].create(
                {"pbx_id": self.pbx.id, "pbx_call_id": "call-1", "company_id": self.company.id}
            )
        self.assertEqual(len(self.calls()), 1)
        self.assertTrue(json.dumps(self.calls().event_state))
