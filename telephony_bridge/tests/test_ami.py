import json
import socket
import threading
from datetime import timedelta

from odoo.addons.telephony_bridge.tools import ami
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from . import ami_streams
from .common import T0, TelephonyCase

BANNER = b"Asterisk Call Manager/9.0.0\r\n"


def ami_message(**fields):
    return ("".join(f"{key}: {value}\r\n" for key, value in fields.items()) + "\r\n").encode()


# A realistic AMI stream: an answered incoming call to extension 101, then an
# unanswered one ringing extension 102, with unrelated events in between.
EVENTS = [
    ami_message(Event="FullyBooted", Privilege="system,all", Status="Fully Booted"),
    ami_message(Event="Newchannel", Channel="PJSIP/trunk-00000001", ChannelState="4", CallerIDNum="030 1234567",
                Exten="100", Context="from-trunk", Uniqueid="1772442000.1", Linkedid="1772442000.1",
                Timestamp="1772442000.000000"),
    ami_message(Event="Newchannel", Channel="PJSIP/101-00000002", ChannelState="0", CallerIDNum="101", Exten="s",
                Uniqueid="1772442000.2", Linkedid="1772442000.1", Timestamp="1772442000.100000"),
    ami_message(Event="DialBegin", Channel="PJSIP/trunk-00000001", DestChannel="PJSIP/101-00000002",
                Uniqueid="1772442000.1", Linkedid="1772442000.1", DestExten="100", Timestamp="1772442000.100000"),
    ami_message(Event="PeerStatus", Peer="PJSIP/103", PeerStatus="Reachable"),
    ami_message(Event="BridgeEnter", Channel="PJSIP/trunk-00000001", Uniqueid="1772442000.1",
                Linkedid="1772442000.1", BridgeNumChannels="1", Timestamp="1772442009.000000"),
    ami_message(Event="BridgeEnter", Channel="PJSIP/101-00000002", Uniqueid="1772442000.2",
                Linkedid="1772442000.1", BridgeNumChannels="2", Timestamp="1772442009.000000"),
    ami_message(Event="Hangup", Channel="PJSIP/101-00000002", Uniqueid="1772442000.2", Linkedid="1772442000.1",
                Cause="16", Timestamp="1772442099.000000"),
    ami_message(Event="Hangup", Channel="PJSIP/trunk-00000001", Uniqueid="1772442000.1", Linkedid="1772442000.1",
                Cause="16", Timestamp="1772442099.100000"),
    ami_message(Event="Newchannel", Channel="PJSIP/trunk-00000003", CallerIDNum="anonymous", Exten="100",
                Uniqueid="1772442200.3", Linkedid="1772442200.3", Timestamp="1772442200.000000"),
    ami_message(Event="DialBegin", Channel="PJSIP/trunk-00000003", DestChannel="PJSIP/102-00000004",
                Uniqueid="1772442200.3", Linkedid="1772442200.3", Timestamp="1772442200.200000"),
    ami_message(Event="Hangup", Channel="PJSIP/trunk-00000003", Uniqueid="1772442200.3", Linkedid="1772442200.3",
                Cause="19", Timestamp="1772442230.000000"),
]  # fmt: skip


class FakeAmiServer:
    """Accepts one connection, checks the login, replays EVENTS in small chunks, closes."""

    def __init__(self, secret="ami-secret", events=None):
        self.secret = secret
        self.events = EVENTS if events is None else events
        self.received = b""
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        connection, _address = self.sock.accept()
        with connection:
            connection.sendall(BANNER)
            while b"\r\n\r\n" not in self.received:
                self.received += connection.recv(4096)
            if f"Secret: {self.secret}".encode() not in self.received:
                connection.sendall(ami_message(Response="Error", ActionID="login", Message="Authentication failed"))
                return
            connection.sendall(ami_message(Response="Success", ActionID="login", Message="Authentication accepted"))
            stream = b"".join(self.events)
            for index in range(0, len(stream), 97):  # TCP may cut messages anywhere
                connection.sendall(stream[index : index + 97])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(5)
        self.sock.close()


@tagged("post_install", "-at_install")
class TestAmiClient(TelephonyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write({"pbx_type": "asterisk", "api_username": "odoo", "api_password": "ami-secret"})

    def test_ami_events_become_calls(self):
        with FakeAmiServer() as server:
            self.pbx.api_url = server.address
            handled = self.pbx._ami_listen(timeout=5)
        self.assertIn(b"Action: Login\r\nActionID: login\r\nUsername: odoo\r\nSecret: ami-secret", server.received)
        self.assertEqual(handled, 7)
        calls = self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id)], order="start_date")
        self.assertEqual(calls.mapped("pbx_call_id"), ["1772442000.1", "1772442200.3"])
        answered, missed = calls
        self.assertEqual(answered.state, "answered")
        self.assertEqual(answered.partner_id, self.customer)
        self.assertEqual(answered.agent_id, self.agent)
        self.assertEqual((answered.ring_seconds, answered.talk_seconds), (9, 90))
        self.assertEqual(missed.state, "missed")
        self.assertEqual(missed.number_kind, "anonymous")
        self.assertEqual(missed.agent_id, self.colleague)

    def test_replayed_stream_changes_nothing(self):
        for _round in range(2):
            with FakeAmiServer() as server:
                self.pbx.api_url = server.address
                self.pbx._ami_listen(timeout=5)
        self.assertEqual(self.env["telephony.call"].search_count([("pbx_id", "=", self.pbx.id)]), 2)

    def test_wrong_ami_secret_is_refused(self):
        self.pbx.api_password = "wrong"
        with FakeAmiServer() as server:
            self.pbx.api_url = server.address
            with self.assertRaisesRegex(Exception, "Authentication failed"):
                self.pbx._ami_listen(timeout=5)


# Click-to-dial, as Asterisk 20 reports the addon's Originate (Channel PJSIP/101,
# CallerID = the customer's number, ChannelId = ActionID): answered by the agent then
# by the customer; then one the agent's phone does not answer (Reason 3).
C2D, C2D_FAILED = "odoo-c2d-5f0c3b4a7e9f01d2", "odoo-c2d-77aa42d2e9a84f3c"
CLICK_TO_DIAL = [
    ami_message(Event="Newchannel", Privilege="call,all", Channel="PJSIP/101-0000000a", ChannelState="0",
                ChannelStateDesc="Down", CallerIDNum="+49301234567", CallerIDName="<unknown>",
                Context="from-internal", Exten="s", Priority="1", Uniqueid=C2D, Linkedid=C2D,
                Timestamp="1772442000.000000"),
    ami_message(Event="OriginateResponse", Privilege="call,all", ActionID=C2D, Response="Success",
                Channel="PJSIP/101-0000000a", Context="from-internal", Exten="+49301234567", Reason="4",
                Uniqueid=C2D, CallerIDNum="+49301234567", CallerIDName="<unknown>", Timestamp="1772442004.000000"),
    ami_message(Event="Newchannel", Channel="PJSIP/trunk-0000000b", CallerIDNum="101", Exten="+49301234567",
                Uniqueid="1772442004.11", Linkedid=C2D, Timestamp="1772442004.100000"),
    ami_message(Event="DialBegin", Channel="PJSIP/101-0000000a", Uniqueid=C2D, Linkedid=C2D,
                DestChannel="PJSIP/trunk-0000000b", DestExten="+49301234567", Timestamp="1772442004.100000"),
    ami_message(Event="BridgeEnter", Channel="PJSIP/101-0000000a", Uniqueid=C2D, Linkedid=C2D,
                BridgeNumChannels="1", Timestamp="1772442012.000000"),
    ami_message(Event="BridgeEnter", Channel="PJSIP/trunk-0000000b", Uniqueid="1772442004.11", Linkedid=C2D,
                BridgeNumChannels="2", Timestamp="1772442012.000000"),
    ami_message(Event="Hangup", Channel="PJSIP/trunk-0000000b", Uniqueid="1772442004.11", Linkedid=C2D,
                Cause="16", Timestamp="1772442102.000000"),
    ami_message(Event="Hangup", Channel="PJSIP/101-0000000a", Uniqueid=C2D, Linkedid=C2D, Cause="16",
                Timestamp="1772442102.100000"),
    ami_message(Event="Newchannel", Privilege="call,all", Channel="PJSIP/101-0000000c", ChannelState="0",
                ChannelStateDesc="Down", CallerIDNum="+49301234567", CallerIDName="<unknown>",
                Context="from-internal", Exten="s", Priority="1", Uniqueid=C2D_FAILED, Linkedid=C2D_FAILED,
                Timestamp="1772442200.000000"),
    ami_message(Event="Hangup", Channel="PJSIP/101-0000000c", Uniqueid=C2D_FAILED, Linkedid=C2D_FAILED,
                Cause="19", Timestamp="1772442230.000000"),
    ami_message(Event="OriginateResponse", Privilege="call,all", ActionID=C2D_FAILED, Response="Failure",
                Channel="PJSIP/101", Context="from-internal", Exten="+49301234567", Reason="3", Uniqueid="<null>",
                CallerIDNum="+49301234567", CallerIDName="<unknown>", Timestamp="1772442230.000000"),
]  # fmt: skip


@tagged("post_install", "-at_install")
class TestAmiClickToDial(TelephonyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write({"pbx_type": "asterisk", "api_username": "odoo", "api_password": "ami-secret"})

    def test_click_to_dial_is_the_agents_outgoing_call(self):
        with FakeAmiServer(events=CLICK_TO_DIAL) as server:
            self.pbx.api_url = server.address
            self.pbx._ami_listen(timeout=5)
        Call = self.env["telephony.call"]
        answered = Call.search([("pbx_id", "=", self.pbx.id), ("pbx_call_id", "=", C2D)])
        failed = Call.search([("pbx_id", "=", self.pbx.id), ("pbx_call_id", "=", C2D_FAILED)])
        for call, state, talk in ((answered, "answered", 90), (failed, "failed", 0)):
            self.assertEqual(len(call), 1)
            self.assertEqual(
                (call.direction, call.remote_e164, call.partner_id, call.agent_id, call.state, call.talk_seconds),
                ("outbound", "+49301234567", self.customer, self.agent, state, talk),
            )
        self.assertEqual((answered.ring_seconds, failed.ring_seconds), (12, 30))
        missed_action = self.env.ref("telephony_bridge.action_telephony_call_missed")
        self.assertFalse(Call.search([*safe_eval(missed_action.domain), ("pbx_id", "=", self.pbx.id)]))
        self.assertFalse(Call.search([("pbx_id", "=", self.pbx.id), ("direction", "=", "inbound")]))
        self.env.cr.precommit.run()  # bus messages are written when the transaction commits
        notices = [
            (json.loads(message.channel)[1:], json.loads(message.message))
            for message in self.env["bus.bus"].sudo().search([])
            if json.loads(message.message)["type"] == "simple_notification"
        ]
        self.assertEqual(len(notices), 1, "the agent is told once why the call was not placed")
        channel, content = notices[0]
        self.assertEqual(channel, ["res.partner", self.agent.partner_id.id])
        self.assertEqual(
            content["payload"]["message"],
            "Your phone did not answer or could not be reached: the call to +49301234567 was not placed.",
        )

    def test_originate_carries_its_call_id(self):
        _action, fields = ami.command_fields({"action": "originate", "extension": "101", "number": "+49301234567"})
        self.assertTrue(fields["ChannelId"].startswith(ami.CLICK_TO_DIAL_PREFIX))


@tagged("post_install", "-at_install")
class TestAmiTransfers(TelephonyCase):
    """Blind and attended transfers and a queue call, in Asterisk 20's AMI events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.write({"pbx_type": "asterisk", "api_username": "odoo", "api_password": "ami-secret"})

    def listen(self, *streams):
        for stream in streams:
            with FakeAmiServer(events=stream) as server:
                self.pbx.api_url = server.address
                self.pbx._ami_listen(timeout=5)
        return self.env["telephony.call"].search([("pbx_id", "=", self.pbx.id)])

    def assertCallSeen(self, call, user, **expected):
        """The call as ``user`` reads it in the call form."""
        seen = call.with_user(user)
        self.assertEqual({name: seen[name] for name in expected}, expected)

    def legs(self, call, user):
        return [
            (leg.agent_id, leg.transferred_from_id, leg.talk_seconds)
            for leg in call.with_user(user).leg_ids.sorted("sequence")
        ]

    def test_blind_transfer(self):
        call = self.listen(ami_streams.BLIND_TRANSFER)
        self.assertEqual(call.pbx_call_id, ami_streams.BLIND)
        self.assertCallSeen(
            call,
            self.colleague,
            direction="inbound",
            remote_e164="+49301234567",
            partner_id=self.customer,
            first_agent_id=self.agent,
            agent_id=self.colleague,
            ring_seconds=6,
            talk_seconds=185,
            state="answered",
            transferred=True,
        )
        self.assertEqual(
            self.legs(call, self.colleague),
            [(self.agent, self.env["res.users"], 60), (self.colleague, self.agent, 120)],
        )
        # the first agent still finds the call they answered, with their own part of it
        self.assertEqual(call.with_user(self.agent).search([("pbx_id", "=", self.pbx.id)]), call)
        self.assertEqual(call.leg_ids[1].start_date, T0 + timedelta(seconds=1066))

    def test_attended_transfer_makes_one_customer_call(self):
        calls = self.listen(ami_streams.ATTENDED_TRANSFER)
        self.assertEqual(calls.mapped("pbx_call_id"), [ami_streams.ATTENDED], "the consultation call is merged")
        self.assertCallSeen(
            calls,
            self.manager,
            direction="inbound",
            remote_e164="+491715550101",
            partner_id=self.contact,
            first_agent_id=self.agent,
            agent_id=self.colleague,
            ring_seconds=5,
            talk_seconds=245,
            state="answered",
            transferred=True,
        )
        self.assertEqual(
            self.legs(calls, self.manager),
            [(self.agent, self.env["res.users"], 65), (self.colleague, self.agent, 180)],
        )

    def test_queue_call_and_replays(self):
        calls = self.listen(ami_streams.QUEUE_CALL, ami_streams.QUEUE_CALL, ami_streams.ATTENDED_TRANSFER,
                            ami_streams.ATTENDED_TRANSFER)  # fmt: skip
        self.assertEqual(len(calls), 2, "replayed streams change nothing")
        queued = calls.filtered(lambda c: c.pbx_call_id == ami_streams.QUEUED)
        self.assertCallSeen(
            queued,
            self.agent,
            direction="inbound",
            remote_e164="+49301234567",
            partner_id=self.customer,
            first_agent_id=self.agent,
            agent_id=self.agent,
            ring_seconds=12,
            talk_seconds=90,
            state="answered",
            transferred=False,
        )
        self.assertEqual(self.legs(queued, self.agent), [(self.agent, self.env["res.users"], 90)])

    def test_statistics_credit_each_agent_with_their_own_talk_time(self):
        self.listen(ami_streams.BLIND_TRANSFER, ami_streams.ATTENDED_TRANSFER, ami_streams.QUEUE_CALL)
        Leg = self.env["telephony.call.leg"]
        per_agent = dict(
            Leg.with_user(self.manager)._read_group(
                [("call_id.pbx_id", "=", self.pbx.id)], ["agent_id"], ["talk_seconds:sum"]
            )
        )
        self.assertEqual(per_agent, {self.agent: 60 + 65 + 90, self.colleague: 120 + 180})
        # the colleague sees the legs of the calls they had, not the queue call only Anna had
        seen = Leg.with_user(self.colleague).search([("call_id.pbx_id", "=", self.pbx.id)])
        self.assertEqual(sorted(seen.mapped("talk_seconds")), [60, 65, 120, 180])
