import base64

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TelephonyCase
from .fake_server import FakeHttpServer


@tagged("post_install", "-at_install")
class TestClickToDial(TelephonyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write({"api_username": "odoo", "api_password": "pbx-pass"})

    def test_dial_partner_rings_the_agent_extension(self):
        with FakeHttpServer(lambda request: (200, {"result": "queued"})) as server:
            self.pbx.api_url = f"{server.url}/api/command"
            action = self.customer.with_user(self.agent).action_telephony_dial()
        request = server.requests[0]
        self.assertEqual(request["path"], "/api/command")
        self.assertEqual(request["json"], {"action": "originate", "extension": "101", "number": "+49301234567"})
        self.assertEqual(request["headers"]["Authorization"], "Basic " + base64.b64encode(b"odoo:pbx-pass").decode())
        self.assertEqual(action["params"]["message"], "Your phone rings: pick it up to call 030 1234567.")

    def test_number_dialled_as_the_dial_plan_expects(self):
        self.pbx.dial_format = "national"
        with FakeHttpServer() as server:
            self.pbx.api_url = server.url
            pbx = self.env["telephony.pbx"].with_user(self.agent)
            for number in ("+49 30 1234567", "+380 44 123 4567"):
                pbx.action_dial_number(number)
            self.pbx.write({"dial_format": "exit_prefix", "dial_exit_prefix": "810"})
            pbx.action_dial_number("030 1234567")
        self.assertEqual(
            [request["json"]["number"] for request in server.requests],
            ["0301234567", "00380441234567", "81049301234567"],
        )
        with self.assertRaisesRegex(ValidationError, "must be digits only"):
            self.pbx.dial_exit_prefix = "+00"

    def test_call_back_a_missed_call(self):
        self.event("ringing", 0, "m1", direction="inbound", **{"from": "0171 5550101"})
        missed = self.event("hangup", 10, "m1")
        with FakeHttpServer() as server:
            self.pbx.api_url = server.url
            missed.with_user(self.colleague).action_call_back()
        self.assertEqual(server.requests[0]["json"]["number"], "+491715550101")
        self.assertEqual(server.requests[0]["json"]["extension"], "102")

    def test_dial_errors_are_explained(self):
        user_without_extension = self.manager
        with self.assertRaisesRegex(UserError, "Set your phone extension"):
            self.customer.with_user(user_without_extension).action_telephony_dial()
        with self.assertRaisesRegex(UserError, "is not a phone number"):
            self.env["telephony.pbx"].with_user(self.agent).action_dial_number("call me")
        with self.assertRaisesRegex(UserError, "Set the API address"):
            self.env["telephony.pbx"].with_user(self.agent).action_dial_number("030 1234567")

    @mute_logger("odoo.addons.telephony_bridge.models.telephony_pbx")
    def test_pbx_refusal_is_shown(self):
        with FakeHttpServer(lambda request: (503, {"error": "trunk down"})) as server:
            self.pbx.api_url = server.url
            with self.assertRaisesRegex(UserError, r"refused the command \(HTTP 503\).*trunk down"):
                self.env["telephony.pbx"].with_user(self.agent).action_dial_number("030 1234567")

    def test_transfer_a_live_call_to_a_colleague(self):
        call = self.event("ringing", 0, "live-1", direction="inbound", extension="101", **{"from": "030 1234567"})
        self.event("answered", 4, "live-1", extension="101")
        with FakeHttpServer() as server:
            self.pbx.api_url = server.url
            wizard = (
                self.env["telephony.call.transfer"]
                .with_user(self.agent)
                .create({"call_id": call.id, "user_id": self.colleague.id})
            )
            wizard.action_transfer()
        self.assertEqual(server.requests[0]["json"], {"action": "transfer", "call_id": "live-1", "extension": "102"})
        self.assertIn("Transferred to Carl Colleague", call.message_ids[0].body)
        self.event("hangup", 60, "live-1")
        with self.assertRaisesRegex(UserError, "Only a live call can be transferred"):
            call._transfer_to(self.colleague)
