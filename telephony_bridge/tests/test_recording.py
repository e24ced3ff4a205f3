from odoo.tests import tagged

from . import ami_streams
from .common import TelephonyHttpCase
from .fake_server import FakeHttpServer
from .test_ami import FakeAmiServer


@tagged("post_install", "-at_install")
class TestCallRecording(TelephonyHttpCase):
    """Recording links stored on the call, played only by users who may see the call."""

    def test_asterisk_monitor_file_through_the_recording_address(self):
        self.pbx.write(
            {
                "pbx_type": "asterisk",
                "api_username": "odoo",
                "api_password": "ami-secret",
                "recording_url_pattern": "https://pbx.example.com/monitor/{path}",
            }
        )
        with FakeAmiServer(events=ami_streams.BLIND_TRANSFER_RECORDED) as server:
            self.pbx.api_url = server.address
            self.pbx._ami_listen(timeout=5)
        call = self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id)])
        url = "https://pbx.example.com/monitor/2026/03/02/in-100-%2B49301234567-20260302-101006-1772443000.20.wav"
        self.assertEqual((call.recording_url, call.agent_id, call.transferred), (url, self.colleague, True))
        action = call.with_user(self.colleague).action_play_recording()
        self.assertEqual(action["url"], f"/telephony/call/{call.id}/recording")
        self.assertPlays(call, "tel_colleague", url)  # the agent who had the call
        self.assertPlays(call, "tel_agent", url)  # the agent who answered it first
        self.assertPlays(call, "tel_manager", url)

    def test_only_users_allowed_to_see_the_call_play_it(self):
        self.event("ringing", 0, "rec-1", direction="inbound", extension="101", **{"from": "030 1234567"})
        self.event("answered", 5, "rec-1", extension="101")
        call = self.event("hangup", 65, "rec-1", recording_url="https://pbx.example.com/rec/rec-1.mp3")
        self.assertPlays(call, "tel_agent", "https://pbx.example.com/rec/rec-1.mp3")
        self.assertPlays(call, "tel_manager", "https://pbx.example.com/rec/rec-1.mp3")
        # the colleague may not see Anna's answered call: no recording, not even its address
        self.authenticate("tel_colleague", "tel_colleague")
        response = self.url_open(f"/telephony/call/{call.id}/recording", allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("pbx.example.com", response.headers.get("Location", "") + response.text)
        self.assertEqual(self.url_open("/telephony/call/999999/recording", allow_redirects=False).status_code, 404)
        # nobody logged in: the login page
        self.authenticate(None, None)
        response = self.url_open(f"/telephony/call/{call.id}/recording", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_zadarma_recording_through_a_temporary_link_from_its_api(self):
        stored = "https://api.zadarma.com/v1/pbx/record/request/?call_id=1772442000.4242"
        self.event("ringing", 0, "zd-1", direction="inbound", extension="101", **{"from": "030 1234567"})
        self.event("answered", 5, "zd-1", extension="101")
        call = self.event("hangup", 65, "zd-1", recording_url=stored)
        link = "https://api.zadarma.com/v1/pbx/record/download/NDI0Mg/1772442000.4242.mp3"
        answer = {"status": "success", "link": link, "lifetime_till": "2026-03-05 10:01:05"}
        with FakeHttpServer(lambda request: (200, answer)) as server:
            self.pbx.write(
                {"pbx_type": "zadarma", "api_url": server.url, "api_username": "api-key-1", "api_password": "zd-s3cret"}
            )
            self.assertPlays(call, "tel_agent", link)
            self.authenticate("tel_colleague", "tel_colleague")
            refused = self.url_open(f"/telephony/call/{call.id}/recording", allow_redirects=False)
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(len(server.requests), 1, "the API is asked for the allowed user only")
        request = server.requests[0]
        self.assertEqual(request["path"], "/v1/pbx/record/request/?call_id=1772442000.4242&format=json")
        self.assertTrue(request["headers"]["Authorization"].startswith("api-key-1:"))
        with FakeHttpServer(lambda request: (401, {"status": "error", "message": "Not authorized"})) as server:
            self.pbx.api_url = server.url
            self.authenticate("tel_agent", "tel_agent")
            failed = self.url_open(f"/telephony/call/{call.id}/recording", allow_redirects=False)
        self.assertEqual(failed.status_code, 502)
        self.assertIn("did not give the recording: Not authorized", failed.text)

    def assertPlays(self, call, login, url):
        self.authenticate(login, login)
        response = self.url_open(f"/telephony/call/{call.id}/recording", allow_redirects=False)
        self.assertEqual((response.status_code, response.headers.get("Location")), (302, url), login)
