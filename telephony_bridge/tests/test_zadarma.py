from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from . import zadarma_requests as zr
from .common import T0, TelephonyHttpCase


@tagged("post_install", "-at_install")
class TestZadarmaEndpoint(TelephonyHttpCase):
    """Requests made exactly as Zadarma sends them, to the PBX's event URL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write({"pbx_type": "zadarma", "webhook_secret": zr.SECRET, "tz": "Europe/Berlin"})

    def post(self, pairs, seconds=0, signature=True, headers=None):
        """POST one notification as Zadarma does, arriving ``seconds`` after T0 (UTC)."""
        all_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is True:
            all_headers["Signature"] = zr.sign(pairs)
        elif signature:
            all_headers["Signature"] = signature
        all_headers.update(headers or {})
        with freeze_time(T0 + timedelta(seconds=seconds)):
            return self.url_open(f"/telephony/pbx/{self.pbx.id}/event", data=zr.body(pairs), headers=all_headers)

    def deliver(self, *notifications):
        for pairs, seconds in notifications:
            response = self.post(pairs, seconds)
            self.assertEqual((response.status_code, response.text), (200, ""), pairs[0])

    def call(self, call_id=zr.CALL_ID):
        return self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id), ("pbx_call_id", "=", call_id)])

    def assertCall(self, call, **expected):
        self.assertEqual(len(call), 1)
        self.assertEqual({name: call[name] for name in expected}, expected)

    def assertCustomerCallAnswered(self, call, **expected):
        """The fixtures' customer calling in, answered: as the call form shows it."""
        self.assertCall(
            call,
            direction="inbound",
            remote_e164="+49301234567",
            partner_id=self.customer,
            state="answered",
            **expected,
        )

    def test_url_check_echoes(self):
        response = self.url_open(f"/telephony/pbx/{self.pbx.id}/event?zd_echo=a1B2-c3")
        self.assertEqual((response.status_code, response.text), (200, "a1B2-c3"))
        self.assertEqual(self.url_open(f"/telephony/pbx/{self.pbx.id}/event").status_code, 405)
        self.pbx.pbx_type = "generic"
        response = self.url_open(f"/telephony/pbx/{self.pbx.id}/event?zd_echo=a1B2-c3")
        self.assertEqual(response.status_code, 405, "only Zadarma PBXs answer Zadarma's check")

    def test_answered_inbound_call(self):
        self.deliver(
            (zr.start(), 0),
            (zr.internal("101"), 1),
            (zr.answer("101"), 8),
            (zr.end("answered", 120, record="1772442000.4242"), 128),
        )
        self.assertCustomerCallAnswered(
            self.call(), agent_id=self.agent, start_date=T0, ring_seconds=8, talk_seconds=120
        )

    def test_transferred_call_keeps_each_agents_talk_time(self):
        """Zadarma reports a transfer as the call ringing and being answered at another extension."""
        self.deliver(
            (zr.start(), 0),
            (zr.internal("101"), 1),
            (zr.answer("101"), 6),
            (zr.internal("102"), 66),  # 101 transfers the customer to 102 after a minute
            (zr.answer("102"), 70),
            (zr.end("answered", 184, extension="102"), 190),
        )
        call = self.call()
        self.assertCustomerCallAnswered(
            call,
            first_agent_id=self.agent,
            agent_id=self.colleague,
            ring_seconds=6,
            talk_seconds=184,
            transferred=True,
        )
        legs = [(leg.agent_id, leg.talk_seconds) for leg in call.leg_ids.sorted("sequence")]
        self.assertEqual(legs, [(self.agent, 64), (self.colleague, 120)])

    def test_missed_call_caller_hangs_up(self):
        self.deliver((zr.start(), 0), (zr.internal("101"), 0), (zr.end("cancel", 0), 25))
        self.assertCall(
            self.call(),
            direction="inbound",
            remote_e164="+49301234567",
            partner_id=self.customer,
            agent_id=self.agent,
            ring_seconds=25,
            talk_seconds=0,
            state="missed",
        )

    def test_outbound_call(self):
        self.deliver((zr.out_start(zr.CONTACT_MOBILE, "101"), 0), (zr.out_end("answered", 50), 65))
        self.assertCall(
            self.call(zr.OUT_CALL_ID),
            direction="outbound",
            remote_e164="+491715550101",
            partner_id=self.contact,
            agent_id=self.agent,
            ring_seconds=15,
            talk_seconds=50,
            state="answered",
        )

    def test_busy_call(self):
        self.deliver(
            (zr.start(caller=zr.CONTACT_MOBILE), 0), (zr.end("busy", 0, caller=zr.CONTACT_MOBILE, status_code=17), 3)
        )
        self.assertCall(
            self.call(),
            direction="inbound",
            remote_e164="+491715550101",
            partner_id=self.contact,
            ring_seconds=3,
            talk_seconds=0,
            state="busy",
        )

    def test_duplicates_and_out_of_order_make_one_call(self):
        self.deliver(
            (zr.end("answered", 120), 128),
            (zr.answer("101"), 8),
            (zr.start(), 0),
            (zr.answer("101"), 9),
            (zr.internal("101"), 1),
            (zr.start(), 2),
            (zr.end("answered", 120), 128),
        )
        self.assertCustomerCallAnswered(
            self.call(), agent_id=self.agent, start_date=T0, ring_seconds=8, talk_seconds=120
        )

    def test_late_duplicate_end_keeps_the_talk_time(self):
        """Zadarma retries an END it got no answer to: the copy arrives minutes later."""
        self.deliver((zr.start(), 0), (zr.answer("101"), 8), (zr.end("answered", 120), 128))
        self.deliver((zr.end("answered", 120), 428))
        self.assertCall(
            self.call(),
            agent_id=self.agent,
            first_agent_id=self.agent,
            ring_seconds=8,
            talk_seconds=120,
            end_date=T0 + timedelta(seconds=128),
            state="answered",
            transferred=False,
        )
        self.assertEqual(self.call().leg_ids.mapped("talk_seconds"), [120])

    def test_recording_link_stored(self):
        self.deliver((zr.start(), 0), (zr.end("answered", 60), 70), (zr.record("1772442000.4242"), 120))
        self.assertCall(
            self.call(),
            recording_url="https://api.zadarma.com/v1/pbx/record/request/?call_id=1772442000.4242",
            state="answered",
            talk_seconds=60,
        )

    def test_missing_and_bad_signature_write_nothing(self):
        for pairs in (zr.start(), zr.end("answered", 10), zr.out_start(), zr.record()):
            missing = self.post(pairs, signature=None)
            self.assertEqual((missing.status_code, missing.json()), (401, {"error": "missing Signature header"}))
            bad = self.post(pairs, signature=zr.sign(pairs, "not-the-secret"))
            self.assertEqual((bad.status_code, bad.json()), (403, {"error": "wrong signature"}))
        # signed with the right secret, then one signed field changed on the way
        pairs = zr.start()
        forged = self.post([(name, "4930000000" if name == "caller_id" else value) for name, value in pairs],
                           signature=zr.sign(pairs))  # fmt: skip
        self.assertEqual(forged.status_code, 403)
        self.assertFalse(self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id)]))

    def test_unknown_events_are_acknowledged_and_ignored(self):
        pairs = [("event", "NOTIFY_IVR"), ("call_start", zr.START), ("pbx_call_id", zr.CALL_ID),
                 ("caller_id", zr.CUSTOMER), ("called_did", zr.OUR_NUMBER)]  # fmt: skip
        response = self.post(pairs, signature=None)
        self.assertEqual((response.status_code, response.text), (200, ""))
        self.assertFalse(self.call())

    def test_source_address_allow_list(self):
        self.pbx.allowed_addresses = "185.45.152.40/30"
        response = self.post(zr.start())
        self.assertEqual((response.status_code, response.json()), (403, {"error": "address not allowed"}))
        self.assertEqual(self.url_open(f"/telephony/pbx/{self.pbx.id}/event?zd_echo=x").status_code, 403)
        self.assertFalse(self.call())
        self.pbx.allowed_addresses = "185.45.152.40/30, 127.0.0.1"
        self.assertEqual(self.post(zr.start()).status_code, 200)
        self.assertEqual(len(self.call()), 1)
