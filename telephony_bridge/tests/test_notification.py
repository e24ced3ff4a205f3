import json

from odoo.tests import tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestIncomingCallNotification(TelephonyCase):
    def notifications(self, user):
        self.env.cr.precommit.run()  # bus messages are written when the transaction commits
        payloads = []
        for message in self.env["bus.bus"].sudo().search([]):
            channel, content = json.loads(message.channel), json.loads(message.message)
            if (
                channel[1:] == ["res.partner", user.partner_id.id]
                and content["type"] == "telephony_bridge/incoming_call"
            ):
                payloads.append(content["payload"])
        return payloads

    def ring(self, call_id, caller, extension="101"):
        return self.event(
            "ringing", 0, call_id, direction="inbound", **{"from": caller, "to": "100"}, extension=extension
        )

    def test_ringing_extension_notifies_its_agent_with_the_caller(self):
        call = self.ring("n1", "0171 5550101")
        payloads = self.notifications(self.agent)
        self.assertEqual(len(payloads), 1)
        payload = payloads[0]
        self.assertEqual(payload["call_id"], call.id)
        self.assertEqual(payload["title"], "Incoming call: Bäckerei Schulz, Petra Schulz")
        self.assertEqual(payload["number_e164"], "+491715550101")
        self.assertEqual(
            payload["partners"],
            [
                {
                    "id": self.contact.id,
                    "name": "Petra Schulz",
                    "company": "Bäckerei Schulz",
                    "url": f"/odoo/contacts/{self.contact.id}",
                    "details": [],
                }
            ],
        )
        self.assertFalse(payload["create_partner"])
        self.assertFalse(self.notifications(self.colleague), "only the ringing extension is told")

    def test_unknown_caller_offers_create_contact(self):
        self.ring("n2", "0221 4455667", extension="102")
        payload = self.notifications(self.colleague)[0]
        self.assertEqual(payload["title"], "Incoming call from 0221 4455667")
        self.assertEqual(payload["partners"], [])
        self.assertTrue(payload["create_partner"])

    def test_anonymous_caller(self):
        self.ring("n3", "anonymous")
        payload = self.notifications(self.agent)[0]
        self.assertEqual(payload["title"], "Incoming call from an anonymous number")
        self.assertEqual(payload["number_kind"], "anonymous")

    def test_answered_event_does_not_ring_again(self):
        self.ring("n4", "030 1234567")
        self.event("answered", 3, "n4", extension="101")
        self.event("ringing", 0, "n4", extension="101")  # late duplicate
        self.assertEqual(len(self.notifications(self.agent)), 1)
