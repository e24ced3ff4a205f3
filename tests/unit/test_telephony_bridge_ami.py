from datetime import datetime

import pytest
from addon_tools import tools

ami = tools("telephony_bridge", "ami")
ce = tools("telephony_bridge", "call_events")

NOW = datetime(2026, 3, 2, 9, 0, 0)

# An incoming call from a trunk to extension 101 that answers, as Asterisk 20 reports it.
INBOUND = [
    {"Event": "Newchannel", "Channel": "PJSIP/trunk-00000001", "Uniqueid": "1772442000.1", "Linkedid": "1772442000.1",
     "CallerIDNum": "+49301234567", "Exten": "100", "Timestamp": "1772442000.0"},
    {"Event": "Newchannel", "Channel": "PJSIP/101-00000002", "Uniqueid": "1772442000.2", "Linkedid": "1772442000.1",
     "CallerIDNum": "101", "Exten": "s", "Timestamp": "1772442000.5"},
    {"Event": "DialBegin", "Channel": "PJSIP/trunk-00000001", "DestChannel": "PJSIP/101-00000002",
     "Uniqueid": "1772442000.1", "Linkedid": "1772442000.1", "Timestamp": "1772442000.5"},
    {"Event": "BridgeEnter", "Channel": "PJSIP/trunk-00000001", "Uniqueid": "1772442000.1",
     "Linkedid": "1772442000.1", "BridgeNumChannels": "1", "Timestamp": "1772442007.0"},
    {"Event": "BridgeEnter", "Channel": "PJSIP/101-00000002", "Uniqueid": "1772442000.2",
     "Linkedid": "1772442000.1", "BridgeNumChannels": "2", "Timestamp": "1772442007.0"},
    {"Event": "Hangup", "Channel": "PJSIP/101-00000002", "Uniqueid": "1772442000.2", "Linkedid": "1772442000.1",
     "Cause": "16", "Timestamp": "1772442067.0"},
    {"Event": "Hangup", "Channel": "PJSIP/trunk-00000001", "Uniqueid": "1772442000.1", "Linkedid": "1772442000.1",
     "Cause": "16", "Timestamp": "1772442067.2"},
]  # fmt: skip


def test_encode_action():
    data = ami.encode_action("Login", {"Username": "odoo", "Secret": "pw", "Skip": None}, action_id="1")
    assert data == b"Action: Login\r\nActionID: 1\r\nUsername: odoo\r\nSecret: pw\r\n\r\n"


def test_encode_refuses_line_breaks():
    with pytest.raises(ami.AmiError, match="line break"):
        ami.encode_action("Originate", {"Exten": "1\r\nAction: Command"})


def test_parser_handles_banner_and_split_packets():
    parser = ami.AmiParser()
    stream = (
        b"Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: login\r\n\r\nEvent: Hangup\r\nCause: 16\r\n\r\n"
    )
    messages = []
    for index in range(0, len(stream), 7):
        messages += parser.feed(stream[index : index + 7])
    assert parser.banner == "Asterisk Call Manager/9.0.0"
    assert messages == [{"Response": "Success", "ActionID": "login"}, {"Event": "Hangup", "Cause": "16"}]


def test_tracker_follows_an_answered_incoming_call():
    tracker = ami.AmiCallTracker()
    events = [event for message in INBOUND for event in tracker.feed(message, NOW)]
    assert [e.kind for e in events] == [ce.RINGING, ce.RINGING, ce.ANSWERED, ce.HANGUP]
    state = ce.fold(events)
    assert state.state == ce.STATE_ANSWERED
    assert state.direction == ce.INBOUND
    assert state.caller == "+49301234567"
    assert state.extension == "101"
    assert (state.ring_seconds, state.talk_seconds) == (7, 60)
    assert tracker.calls == {}


def test_tracker_unanswered_and_busy_calls():
    tracker = ami.AmiCallTracker()
    events = [event for message in (INBOUND[0], INBOUND[2]) for event in tracker.feed(message, NOW)]
    events += tracker.feed(dict(INBOUND[6], Cause="17"), NOW)
    assert ce.fold(events).state == ce.STATE_BUSY


def test_tracker_outgoing_call_from_an_extension():
    tracker = ami.AmiCallTracker()
    events = tracker.feed(
        {"Event": "Newchannel", "Channel": "PJSIP/102-00000009", "Uniqueid": "9.1", "Linkedid": "9.1",
         "CallerIDNum": "102", "Exten": "004930123456"},
        NOW,
    )  # fmt: skip
    assert events[0].direction == ce.OUTBOUND
    assert events[0].extension == "102"
    assert events[0].callee == "004930123456"
    assert events[0].timestamp == NOW


def test_unrelated_messages_give_no_event():
    tracker = ami.AmiCallTracker()
    assert tracker.feed({"Response": "Success"}) == []
    assert tracker.feed({"Event": "PeerStatus", "Uniqueid": "1"}) == []
    assert tracker.feed({"Event": "Hangup", "Uniqueid": "unknown.1", "Linkedid": "unknown.1"}) == []


@pytest.mark.parametrize(
    ("address", "expected"),
    [("10.0.0.5:5038", ("10.0.0.5", 5038)), ("ami://pbx.local", ("pbx.local", 5038)), ("pbx:7777/", ("pbx", 7777))],
)
def test_split_address(address, expected):
    assert ami.split_address(address) == expected


def test_command_fields():
    action, fields = ami.command_fields({"action": "originate", "extension": "101", "number": "+49301234567"})
    assert action == "Originate"
    assert fields["Channel"] == "PJSIP/101"
    assert fields["Exten"] == "+49301234567"
    with pytest.raises(ami.AmiError, match="unknown command"):
        ami.command_fields({"action": "explode"})


def test_events_arriving_with_the_login_response_are_kept():
    class FakeSocket:
        def __init__(self, chunks):
            self.chunks = list(chunks)
            self.sent = b""

        def sendall(self, data):
            self.sent += data

        def recv(self, size):
            return self.chunks.pop(0) if self.chunks else b""

    sock = FakeSocket(
        [b"Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: login\r\n\r\nEvent: Hangup\r\n\r\n"]
    )
    parser = ami.AmiParser()
    assert ami.login(sock, parser, "odoo", "pw")["Response"] == "Success"
    assert parser.take_pending() == [{"Event": "Hangup"}]
    assert parser.take_pending() == []


def test_login_failure_raises():
    class FakeSocket:
        def sendall(self, data):
            pass

        def recv(self, size):
            return b"Asterisk\r\nResponse: Error\r\nActionID: login\r\nMessage: Authentication failed\r\n\r\n"

    with pytest.raises(ami.AmiError, match="Authentication failed"):
        ami.login(FakeSocket(), ami.AmiParser(), "odoo", "bad")


# Click-to-dial as Asterisk 20 reports it: the addon's Originate (Channel PJSIP/101,
# CallerID = the customer's number, ChannelId = ActionID = C2D) rings the agent first.
C2D = "odoo-c2d-5f0c3b4a7e9f01d2"
C2D_AGENT_RINGS = {
    "Event": "Newchannel", "Privilege": "call,all", "Channel": "PJSIP/101-0000000a", "ChannelState": "0",
    "ChannelStateDesc": "Down", "CallerIDNum": "+49301234567", "CallerIDName": "<unknown>", "Context": "from-internal",
    "Exten": "s", "Priority": "1", "Uniqueid": C2D, "Linkedid": C2D, "Timestamp": "1772442000.0",
}  # fmt: skip


def originate_response(response, reason, seconds, channel):
    return {
        "Event": "OriginateResponse", "Privilege": "call,all", "ActionID": C2D, "Response": response,
        "Channel": channel, "Context": "from-internal", "Exten": "+49301234567", "Reason": reason,
        "Uniqueid": C2D if response == "Success" else "<null>", "CallerIDNum": "+49301234567",
        "CallerIDName": "<unknown>", "Timestamp": f"{1772442000 + seconds}.0",
    }  # fmt: skip


C2D_ANSWERED = [
    C2D_AGENT_RINGS,
    originate_response("Success", "4", 4, "PJSIP/101-0000000a"),
    {"Event": "Newchannel", "Channel": "PJSIP/trunk-0000000b", "CallerIDNum": "101", "Exten": "+49301234567",
     "Uniqueid": "1772442004.11", "Linkedid": C2D, "Timestamp": "1772442004.1"},
    {"Event": "DialBegin", "Channel": "PJSIP/101-0000000a", "Uniqueid": C2D, "Linkedid": C2D,
     "DestChannel": "PJSIP/trunk-0000000b", "DestExten": "+49301234567", "Timestamp": "1772442004.1"},
    {"Event": "BridgeEnter", "Channel": "PJSIP/101-0000000a", "Uniqueid": C2D, "Linkedid": C2D,
     "BridgeNumChannels": "1", "Timestamp": "1772442012.0"},
    {"Event": "BridgeEnter", "Channel": "PJSIP/trunk-0000000b", "Uniqueid": "1772442004.11", "Linkedid": C2D,
     "BridgeNumChannels": "2", "Timestamp": "1772442012.0"},
    {"Event": "Hangup", "Channel": "PJSIP/trunk-0000000b", "Uniqueid": "1772442004.11", "Linkedid": C2D,
     "Cause": "16", "Timestamp": "1772442102.0"},
    {"Event": "Hangup", "Channel": "PJSIP/101-0000000a", "Uniqueid": C2D, "Linkedid": C2D, "Cause": "16",
     "Timestamp": "1772442102.1"},
]  # fmt: skip


def test_originate_sets_the_channel_id():
    _action, fields = ami.command_fields({"action": "originate", "extension": "101", "number": "+49301234567"})
    assert fields["ChannelId"].startswith(ami.CLICK_TO_DIAL_PREFIX)
    assert fields["CallerID"] == "+49301234567"


def test_click_to_dial_answered_is_the_agents_outgoing_call():
    tracker = ami.AmiCallTracker()
    events = [event for message in C2D_ANSWERED for event in tracker.feed(message, NOW)]
    assert {e.call_id for e in events} == {C2D}
    state = ce.fold(events)
    assert (state.direction, state.caller, state.callee, state.extension) == (ce.OUTBOUND, "101", "+49301234567", "101")
    assert (state.state, state.ring_seconds, state.talk_seconds) == (ce.STATE_ANSWERED, 12, 90)
    assert tracker.calls == {}


@pytest.mark.parametrize(
    ("reason", "hangup_cause", "state"),
    [("3", "19", ce.STATE_FAILED), ("5", "17", ce.STATE_BUSY), ("8", "34", ce.STATE_FAILED),
     ("1", "21", ce.STATE_FAILED), ("0", None, ce.STATE_FAILED)],
)  # fmt: skip
def test_failed_originate_is_never_an_inbound_or_missed_call(reason, hangup_cause, state):
    stream = []
    if hangup_cause:  # the agent's channel existed: it rang, then hung up
        stream += [C2D_AGENT_RINGS, {"Event": "Hangup", "Channel": "PJSIP/101-0000000a", "Uniqueid": C2D,
                                     "Linkedid": C2D, "Cause": hangup_cause, "Timestamp": "1772442030.0"}]  # fmt: skip
    stream.append(originate_response("Failure", reason, 30, "PJSIP/101"))
    for order in (stream, list(reversed(stream))):
        tracker = ami.AmiCallTracker()
        folded = ce.fold(event for message in order for event in tracker.feed(message, NOW))
        assert folded.direction == ce.OUTBOUND
        assert (folded.state, folded.extension, folded.callee) == (state, "101", "+49301234567")
        assert folded.talk_seconds == 0


def _streams():
    import importlib.util

    from addon_tools import REPO

    spec = importlib.util.spec_from_file_location("ami_streams", REPO / "telephony_bridge/tests/ami_streams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _calls(stream):
    """Call id -> events of the calls a stream gives (its MERGED events apart)."""
    tracker = ami.AmiCallTracker()
    calls, merged = {}, []
    for message in _streams().parse(stream):
        for event in tracker.feed(message, NOW):
            if event.kind == ce.MERGED:
                merged.append((event.call_id, event.merged_into))
            else:
                calls.setdefault(event.call_id, []).append(event)
    return calls, merged, tracker


def _legs(state):
    return [(leg.extension, leg.transferred_from, leg.talk_seconds) for leg in ce.legs(state)]


def test_blind_transfer_keeps_both_agents_legs():
    streams = _streams()
    calls, merged, tracker = _calls(streams.BLIND_TRANSFER)
    assert list(calls) == [streams.BLIND] and merged == []
    state = ce.fold(calls[streams.BLIND])
    assert (state.direction, state.caller, state.state) == ("inbound", "+49301234567", ce.STATE_ANSWERED)
    assert (state.ring_seconds, state.talk_seconds, state.transferred) == (6, 185, True)
    assert state.transfers == ((datetime(2026, 3, 2, 9, 17, 46), "101", "102"),)
    assert _legs(state) == [("101", None, 60), ("102", "101", 120)]
    assert tracker.calls == {} and tracker.merged == {}


def test_attended_transfer_merges_the_consultation_call():
    streams = _streams()
    calls, merged, tracker = _calls(streams.ATTENDED_TRANSFER)
    assert merged == [(streams.CONSULT, streams.ATTENDED)]
    state = ce.fold(calls[streams.ATTENDED])
    assert (state.caller, state.state, state.ring_seconds, state.talk_seconds) == ("+491715550101", "answered", 5, 245)
    assert state.transferred
    assert _legs(state) == [("101", None, 65), ("102", "101", 180)]
    consultation = ce.fold(calls[streams.CONSULT])
    assert consultation.direction == ce.OUTBOUND and consultation.end is None, "its end is the customer call's"
    assert tracker.calls == {} and tracker.merged == {}


def test_queue_call_through_local_channels_is_the_answering_members():
    streams = _streams()
    calls, merged, _tracker = _calls(streams.QUEUE_CALL)
    assert list(calls) == [streams.QUEUED] and merged == []
    state = ce.fold(calls[streams.QUEUED])
    assert (state.state, state.ring_seconds, state.talk_seconds, state.transferred) == ("answered", 12, 90, False)
    assert _legs(state) == [("101", None, 90)]


def test_failed_transfers_change_nothing():
    streams = _streams()
    tracker = ami.AmiCallTracker()
    messages = streams.parse(streams.BLIND_TRANSFER)
    for message in messages[:5]:
        tracker.feed(message, NOW)
    assert tracker.feed(dict(messages[5], Result="Fail"), NOW) == []
    attended = streams.parse(streams.ATTENDED_TRANSFER)[11]
    assert tracker.feed(dict(attended, DestType="App", DestApp="VoiceMail"), NOW) == []


def test_recording_url_from_the_monitor_file():
    pattern = "https://pbx.example.com/monitor/{path}"
    url = ami.recording_url(pattern, "/var/spool/asterisk/monitor/2026/03/02/in-100-+4930123-1.wav")
    assert url == "https://pbx.example.com/monitor/2026/03/02/in-100-%2B4930123-1.wav"
    assert ami.recording_url("https://pbx/r?f={file}", "/elsewhere/out-1.wav") == "https://pbx/r?f=out-1.wav"
    assert ami.recording_url(None, "/var/spool/asterisk/monitor/x.wav") is None
    assert ami.recording_url(pattern, "") is None


def test_mixmonitor_file_name_becomes_the_calls_recording():
    streams = _streams()
    tracker = ami.AmiCallTracker(recording_pattern="https://pbx.example.com/monitor/{path}")
    events = [e for m in streams.parse(streams.BLIND_TRANSFER_RECORDED) for e in tracker.feed(m, NOW)]
    state = ce.fold(events)
    assert state.recording_url == (
        "https://pbx.example.com/monitor/2026/03/02/in-100-%2B49301234567-20260302-101006-1772443000.20.wav"
    )
    assert (state.talk_seconds, state.transferred) == (185, True)
    plain = ami.AmiCallTracker()
    assert (
        ce.fold(e for m in streams.parse(streams.BLIND_TRANSFER_RECORDED) for e in plain.feed(m, NOW)).recording_url
        is None
    )
