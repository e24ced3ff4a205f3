from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from . import binotel_requests as br
from .common import T0, TelephonyHttpCase


@tagged("post_install", "-at_install")
class TestBinotelEndpoint(TelephonyHttpCase):
    """Requests made exactly as Binotel sends them, to the PBX's event URL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write(
            {
                "pbx_type": "binotel",
                "pbx_account_id": br.COMPANY_ID,
                "country_id": cls.env.ref("base.ua").id,
                "allowed_addresses": "194.88.218.116, 127.0.0.1",  # the test client posts from here
            }
        )
        cls.agent.telephony_extension = "901"
        cls.colleague.telephony_extension = "902"
        cls.kyiv = cls.env["res.partner"].create(
            {"name": "Olena Kovalenko", "phone": "+380 44 123 4567", "country_id": cls.env.ref("base.ua").id}
        )

    def post(self, pairs, seconds=0):
        """POST one request as Binotel does, arriving ``seconds`` after T0 (UTC)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with freeze_time(T0 + timedelta(seconds=seconds)):
            return self.url_open(f"/telephony/pbx/{self.pbx.id}/event", data=br.body(pairs), headers=headers)

    def deliver(self, *requests):
        for pairs, seconds in requests:
            response = self.post(pairs, seconds)
            self.assertEqual((response.status_code, response.json()), (200, {"status": "success"}), pairs[0])

    def call(self, user=None):
        return self.env["telephony.call"].with_user(user or self.env.user).search([("pbx_id", "=", self.pbx.id)])

    def assertCall(self, call, **expected):
        self.assertEqual(len(call), 1)
        self.assertEqual({name: call[name] for name in expected}, expected)

    def test_answered_inbound_call(self):
        self.deliver(
            (br.received(), 0),
            (br.answered(), 8),
            (br.hangup(120), 128),
            (br.completed("ANSWER", 8, 120), 135),
        )
        self.assertCall(
            self.call(self.agent),  # as the agent sees it
            direction="inbound",
            remote_e164=br.CUSTOMER_E164,
            partner_id=self.kyiv,
            agent_id=self.agent,
            first_agent_id=self.agent,
            start_date=T0,
            ring_seconds=8,
            talk_seconds=120,
            state="answered",
            transferred=False,
            recording_url="https://my.binotel.ua/?module=history&subject=3187426590",
        )

    def test_missed_call_caller_hangs_up(self):
        self.deliver(
            (br.received(), 0),
            (br.hangup(0, "CANCEL"), 25),
            (br.completed("CANCEL", 25, 0), 30),
        )
        self.assertCall(
            self.call(),
            direction="inbound",
            remote_e164=br.CUSTOMER_E164,
            partner_id=self.kyiv,
            agent_id=self.agent,
            first_agent_id=self.env["res.users"],
            ring_seconds=25,
            talk_seconds=0,
            state="missed",
        )

    def test_outbound_call(self):
        self.deliver(
            (br.received("902", call_type="1"), 0),
            (br.completed("ANSWER", 11, 64, internal="902", call_type="1"), 80),
        )
        self.assertCall(
            self.call(self.colleague),
            direction="outbound",
            remote_e164=br.CUSTOMER_E164,
            partner_id=self.kyiv,
            agent_id=self.colleague,
            ring_seconds=11,
            talk_seconds=64,
            state="answered",
        )

    def test_busy_call(self):
        self.deliver((br.completed("BUSY", 3, 0), 5))
        self.assertCall(self.call(), direction="inbound", partner_id=self.kyiv, ring_seconds=3, state="busy")

    def test_transfer_from_the_call_history(self):
        history = [("901", 6, 50, "TRANSFER"), ("902", 4, 70, "ANSWER")]
        self.deliver(
            (br.received(), 0),
            (br.answered(), 6),
            (br.transferred("902"), 56),
            (br.answered("902"), 60),
            (br.hangup(120), 130),
            (br.completed("ANSWER", 6, 120, history=history), 140),
        )
        call = self.call(self.colleague)
        self.assertCall(
            call,
            remote_e164=br.CUSTOMER_E164,
            partner_id=self.kyiv,
            first_agent_id=self.agent,
            agent_id=self.colleague,
            ring_seconds=6,
            talk_seconds=124,
            state="answered",
            transferred=True,
        )
        self.assertEqual(
            [(leg.agent_id, leg.transferred_from_id, leg.talk_seconds) for leg in call.leg_ids],
            [(self.agent, self.env["res.users"], 50), (self.colleague, self.agent, 70)],
        )
        self.assertEqual(call.leg_ids[1].start_date, T0 + timedelta(seconds=56))

    def test_duplicates_and_out_of_order_make_one_call(self):
        self.deliver(
            (br.hangup(120), 128),
            (br.completed("ANSWER", 8, 120), 135),
            (br.answered(), 8),
            (br.received(), 0),
            (br.completed("ANSWER", 8, 120, attempts="2"), 300),  # Binotel retrying
            (br.hangup(120), 400),
        )
        self.assertCall(
            self.call(),
            partner_id=self.kyiv,
            agent_id=self.agent,
            start_date=T0,
            end_date=T0 + timedelta(seconds=128),
            ring_seconds=8,
            talk_seconds=120,
            state="answered",
        )

    def test_requests_from_elsewhere_or_for_another_account_write_nothing(self):
        self.pbx.allowed_addresses = False  # Binotel's published addresses only
        response = self.post(br.completed("ANSWER", 8, 120))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"status": "error", "error": "address not allowed"})
        self.pbx.allowed_addresses = "127.0.0.1"
        forged = self.post(br.completed("ANSWER", 8, 120, company_id="77777"))
        self.assertEqual((forged.status_code, forged.json()["error"]), (403, "wrong companyID"))
        self.assertFalse(self.call())
        bad = self.post(br.completed("EXPLODED", 8, 0))
        self.assertEqual(bad.status_code, 400)
        self.assertIn("unknown disposition", bad.json()["error"])
        self.assertFalse(self.call())

    def test_other_requests_are_acknowledged_and_ignored(self):
        self.deliver((br.settings_request(), 0))
        self.assertFalse(self.call())
        self.assertEqual(self.url_open(f"/telephony/pbx/{self.pbx.id}/event").status_code, 405)
