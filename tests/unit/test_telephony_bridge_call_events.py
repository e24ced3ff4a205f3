import itertools
from datetime import datetime, timedelta

import pytest
from addon_tools import tools

ce = tools("telephony_bridge", "call_events")

T0 = datetime(2026, 3, 2, 9, 0, 0)


def ev(kind, seconds, **kw):
    return ce.CallEvent(call_id="c1", kind=kind, timestamp=T0 + timedelta(seconds=seconds), **kw)


ANSWERED_CALL = [
    ev(ce.RINGING, 0, direction="inbound", caller="030 1234567", callee="100", extension="101"),
    ev(ce.ANSWERED, 12, extension="101"),
    ev(ce.TRANSFERRED, 40, extension="102"),
    ev(ce.HANGUP, 100, cause="normal", recording_url="https://pbx/rec/c1.wav"),
]


def test_answered_call_durations_and_agent():
    state = ce.fold(ANSWERED_CALL)
    assert state.state == ce.STATE_ANSWERED
    assert state.start == T0
    assert state.answer == T0 + timedelta(seconds=12)
    assert state.end == T0 + timedelta(seconds=100)
    assert state.ring_seconds == 12
    assert state.talk_seconds == 88
    assert state.extension == "102"
    assert state.transferred
    assert state.caller == "030 1234567"
    assert state.direction == "inbound"
    assert state.recording_url == "https://pbx/rec/c1.wav"


def test_every_order_and_duplicates_give_the_same_state():
    expected = ce.fold(ANSWERED_CALL)
    for order in itertools.permutations(ANSWERED_CALL):
        assert ce.fold(order) == expected
        assert ce.fold(list(order) + list(order[:2])) == expected


def test_merge_is_idempotent():
    state = ce.fold(ANSWERED_CALL)
    for event in ANSWERED_CALL:
        assert ce.merge(state, event) == state


def test_ringing_only_call_is_ringing():
    state = ce.fold([ev(ce.RINGING, 0)])
    assert state.state == ce.STATE_RINGING
    assert state.ring_seconds == 0
    assert state.talk_seconds == 0


def test_unanswered_hangup_is_missed_with_ring_time():
    state = ce.fold([ev(ce.HANGUP, 25, cause="no_answer"), ev(ce.RINGING, 0, extension="101")])
    assert state.state == ce.STATE_MISSED
    assert state.ring_seconds == 25
    assert state.talk_seconds == 0
    assert state.extension == "101"


@pytest.mark.parametrize(
    ("cause", "expected"), [("busy", ce.STATE_BUSY), ("failed", ce.STATE_FAILED), (None, ce.STATE_MISSED)]
)
def test_hangup_cause_decides_unanswered_state(cause, expected):
    state = ce.fold([ev(ce.RINGING, 0), ev(ce.HANGUP, 3, cause=cause)])
    assert state.state == expected


def test_answer_arriving_after_hangup_still_answers():
    state = ce.fold([ev(ce.HANGUP, 60), ev(ce.RINGING, 0), ev(ce.ANSWERED, 5)])
    assert state.state == ce.STATE_ANSWERED
    assert state.talk_seconds == 55


def test_without_ringing_event_start_is_first_event():
    state = ce.fold([ev(ce.HANGUP, 60), ev(ce.ANSWERED, 5)])
    assert state.start == T0 + timedelta(seconds=5)
    assert state.ring_seconds == 0


def test_ring_group_answer_sets_the_agent():
    events = [
        ev(ce.RINGING, 0, extension="101"),
        ev(ce.RINGING, 0, extension="102"),
        ev(ce.ANSWERED, 4, extension="102"),
    ]
    for order in itertools.permutations(events):
        assert ce.fold(order).extension == "102"


def test_parse_generic_event():
    event = ce.parse_event(
        {
            "call_id": "abc",
            "event": "Hangup",
            "timestamp": "2026-03-02T10:00:05+01:00",
            "direction": "in",
            "from": "+49301234567",
            "to": "100",
            "cause": "17",
        }
    )
    assert event.kind == ce.HANGUP
    assert event.timestamp == T0 + timedelta(seconds=5)
    assert event.direction == ce.INBOUND
    assert event.cause == ce.CAUSE_BUSY


def test_parse_transfer_target_is_the_new_extension():
    event = ce.parse_event({"call_id": "abc", "event": "transfer", "timestamp": 0, "transfer_to": "105"})
    assert event.kind == ce.TRANSFERRED
    assert event.extension == "105"
    assert event.timestamp == datetime(1970, 1, 1)


def test_parse_missing_timestamp_uses_now():
    event = ce.parse_event({"call_id": "abc", "event": "ringing"}, now=T0)
    assert event.timestamp == T0


def test_parse_twilio_event():
    event = ce.parse_event(
        {
            "CallSid": "CA123",
            "CallStatus": "no-answer",
            "Direction": "inbound",
            "From": "+12025550143",
            "To": "+12025550100",
            "Timestamp": "Mon, 02 Mar 2026 09:00:30 +0000",
        },
        "twilio",
    )
    assert event.call_id == "CA123"
    assert event.kind == ce.HANGUP
    assert event.cause == ce.CAUSE_NO_ANSWER
    assert event.timestamp == T0 + timedelta(seconds=30)
    assert event.caller == "+12025550143"


@pytest.mark.parametrize(
    ("payload", "fmt", "message"),
    [
        ([], "generic", "must be a JSON object"),
        ({"event": "ringing", "timestamp": 0}, "generic", "no call_id"),
        ({"call_id": "x", "event": "dance", "timestamp": 0}, "generic", "unknown event 'dance'"),
        ({"call_id": "x", "event": "ringing"}, "generic", "no timestamp"),
        ({"call_id": "x", "event": "ringing", "timestamp": "yesterday"}, "generic", "is not a date"),
        ({"call_id": "x", "event": "ringing", "timestamp": 0, "direction": "up"}, "generic", "unknown call direction"),
        ({"CallSid": "x", "CallStatus": "exploded", "Timestamp": 0}, "twilio", "unknown CallStatus"),
        ({"call_id": "x"}, "sip", "unknown event format"),
    ],
)
def test_parse_rejects_bad_payloads(payload, fmt, message):
    with pytest.raises(ValueError, match=message):
        ce.parse_event(payload, fmt)


def test_legs_credit_each_agent_with_their_talk_time():
    events = [
        ev(ce.RINGING, 0, direction="inbound", caller="030 1234567", extension="101"),
        ev(ce.ANSWERED, 10, extension="101"),
        ev(ce.TRANSFERRED, 70, extension="102", transfer_from="101"),
        ev(ce.ANSWERED, 75, extension="102"),
        ev(ce.TRANSFERRED, 135, extension="103"),
        ev(ce.ANSWERED, 140, extension="103"),
        ev(ce.HANGUP, 200),
    ]
    expected = ce.fold(events)
    legs = ce.legs(expected)
    assert [(leg.extension, leg.transferred_from, leg.talk_seconds) for leg in legs] == [
        ("101", None, 60),
        ("102", "101", 60),
        ("103", "102", 60),
    ]
    assert legs[1].start == T0 + timedelta(seconds=70)
    assert expected.talk_seconds == 190
    for order in itertools.permutations(events[2:]):
        assert ce.fold(events[:2] + list(order) + events[3:4]) == expected


def test_unanswered_transfer_leaves_the_first_agents_talk():
    state = ce.fold(
        [
            ev(ce.ANSWERED, 10, extension="101"),
            ev(ce.TRANSFERRED, 40, extension="102"),
            ev(ce.HANGUP, 60),
        ]
    )
    assert [(leg.extension, leg.answer is None, leg.talk_seconds) for leg in ce.legs(state)] == [
        ("101", False, 30),
        ("102", True, 0),
    ]


def test_hangup_timed_by_arrival_keeps_the_first_delivery():
    first = ev(ce.HANGUP, 130, end_at_arrival=True)
    late = ev(ce.HANGUP, 400, end_at_arrival=True)
    answer = ev(ce.ANSWERED, 10)
    assert ce.fold([answer, first, late]) == ce.fold([late, answer, first])
    assert ce.fold([answer, late, first]).talk_seconds == 120


def test_same_transfer_reported_with_and_without_its_source_is_one_leg():
    events = [
        ev(ce.ANSWERED, 10, extension="101"),
        ev(ce.TRANSFERRED, 40, extension="102"),
        ev(ce.TRANSFERRED, 40, extension="102", transfer_from="101"),
        ev(ce.ANSWERED, 45, extension="102"),
        ev(ce.HANGUP, 100),
    ]
    legs = ce.legs(ce.fold(events))
    assert [(leg.extension, leg.transferred_from, leg.talk_seconds) for leg in legs] == [
        ("101", None, 30),
        ("102", "101", 55),
    ]
