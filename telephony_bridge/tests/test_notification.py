import json
import select

import psycopg2

from odoo import sql_db
from odoo.tests import tagged

from ..models import bus_bus
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

    def test_the_agents_browser_is_woken_over_one_kept_connection(self):
        """The bus's NOTIFY reaches the listener on ``postgres``, without a connection per call."""
        listener = psycopg2.connect(**sql_db.connection_info_for("postgres")[1])
        listener.autocommit = True
        self.addCleanup(listener.close)
        with listener.cursor() as cr:
            cr.execute("LISTEN imbus")
        agent_channel = [self.env.cr.dbname, "res.partner", self.agent.partner_id.id]

        def woken_channels():
            self.env.cr.precommit.run()
            self.env.cr.postcommit.run()  # what the commit of the request does
            channels = []
            while select.select([listener], [], [], 5) != ([], [], []):
                listener.poll()
                channels += [c for n in listener.notifies for c in json.loads(n.payload)]
                listener.notifies.clear()
                if agent_channel in channels:
                    break
            return channels

        def kept_backend_last_statement():
            with listener.cursor() as cr:
                cr.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [kept.backend_pid()])
                return cr.fetchone()[0]

        kept = bus_bus._NOTIFY_CONNECTION
        self.ring("n5", "0171 5550101")
        self.assertIn(agent_channel, woken_channels())
        self.assertIn("imbus", kept_backend_last_statement(), "the NOTIFY went over the kept connection")
        backend = kept.backend_pid()
        self.ring("n6", "0171 5550101")
        self.assertIn(agent_channel, woken_channels())
        self.assertEqual(kept.backend_pid(), backend)
        self.assertIn(json.dumps(agent_channel, separators=(",", ":")), kept_backend_last_statement())
        self.assertEqual(len(self.notifications(self.agent)), 2)
