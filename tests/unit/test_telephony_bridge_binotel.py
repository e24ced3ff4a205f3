import importlib.util
import itertools
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import pytest
from addon_tools import REPO, tools

binotel = tools("telephony_bridge", "binotel")
ce = tools("telephony_bridge", "call_events")

_spec = importlib.util.spec_from_file_location("binotel_requests", REPO / "telephony_bridge/tests/binotel_requests.py")
br = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(br)

T0 = datetime(2026, 3, 2, 9, 0, 0)


def form(pairs):
    """The form as the server reads it: decoded from the body Binotel sends."""
    return dict(parse_qsl(br.body(pairs).decode(), keep_blank_values=True))


def events(pairs, seconds=0):
    return binotel.parse_event(form(pairs), T0 + timedelta(seconds=seconds))


def legs(state):
    return [(leg.extension, leg.transferred_from, leg.talk_seconds) for leg in ce.legs(state)]


def test_body_is_php_http_build_query():
    body = br.body(br.completed("ANSWER", 8, 120))
    assert body.startswith(b"requestType=apiCallCompleted&attemptsCounter=1&callDetails%5BcompanyID%5D=48213&")
    assert b"callDetails%5BhistoryData%5D%5B0%5D%5Bbillsec%5D=120" in body
    assert b"callDetails%5BpbxNumberData%5D%5Bname%5D=Kyiv+office" in body


def test_answered_inbound_call_from_its_record():
    state = ce.fold(events(br.completed("ANSWER", 8, 120)))
    assert (state.direction, state.caller, state.state) == ("inbound", "0441234567", "answered")
    assert (state.start, state.ring_seconds, state.talk_seconds) == (T0, 8, 120)
    assert state.extension == "901"
    assert state.recording_url == "https://my.binotel.ua/?module=history&subject=3187426590"


def test_progress_requests_and_record_in_any_order_make_one_call():
    deliveries = [
        events(br.received(), 0),
        events(br.answered(), 8),
        events(br.hangup(120), 129),
        events(br.completed("ANSWER", 8, 120), 140),
    ]
    expected = ce.fold(e for delivery in deliveries for e in delivery)
    assert (expected.ring_seconds, expected.talk_seconds, expected.end) == (8, 120, T0 + timedelta(seconds=128))
    for order in itertools.permutations(deliveries):
        assert ce.fold(e for delivery in order for e in delivery) == expected
    # a late copy of the hangup (Binotel retrying) changes nothing
    assert ce.fold([*(e for d in deliveries for e in d), *events(br.hangup(120), 400)]) == expected


def test_missed_busy_and_outgoing_calls():
    missed = ce.fold(events(br.completed("CANCEL", 25, 0, history=[("901", 25, 0, "CANCEL")])))
    assert (missed.state, missed.ring_seconds, missed.talk_seconds) == ("missed", 25, 0)
    busy = ce.fold(events(br.completed("BUSY", 3, 0)))
    assert busy.state == "busy"
    outgoing = ce.fold(events(br.completed("ANSWER", 11, 64, internal="902", call_type="1")))
    assert (outgoing.direction, outgoing.caller, outgoing.callee) == ("outbound", "902", "0441234567")
    assert (outgoing.state, outgoing.ring_seconds, outgoing.talk_seconds) == ("answered", 11, 64)


def test_transfer_from_the_history():
    history = [("901", 6, 50, "TRANSFER"), ("902", 4, 70, "ANSWER")]
    state = ce.fold(events(br.completed("ANSWER", 6, 120, history=history)))
    assert (state.ring_seconds, state.talk_seconds, state.transferred) == (6, 124, True)
    assert legs(state) == [("901", None, 50), ("902", "901", 70)]
    progress = [
        *events(br.received(), 0),
        *events(br.answered(), 6),
        *events(br.transferred("902"), 56),
        *events(br.answered("902"), 60),
        *events(br.hangup(120), 130),
    ]
    assert ce.fold([*progress, *events(br.completed("ANSWER", 6, 120, history=history), 140)]) == ce.fold(
        [*events(br.completed("ANSWER", 6, 120, history=history), 140), *progress]
    )


def test_requests_that_are_no_call_events_are_ignored():
    assert events(br.settings_request()) == []
    assert binotel.parse_event({"requestType": "gettingCallSettings"}, T0) == []
    assert events(br.hangup(0, "ONLINE")) == []


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (br.completed("EXPLODED", 1, 0), "unknown disposition"),
        ([("requestType", "apiCallCompleted")], "no callDetails"),
        ([("requestType", "receivedTheCall")], "no generalCallID"),
        (br.received(call_type="7"), "unknown callType"),
    ],
)
def test_bad_requests_are_refused(pairs, message):
    with pytest.raises(ValueError, match=message):
        events(pairs)


def test_company_check():
    assert binotel.check_company(form(br.completed("ANSWER", 1, 1)), "48213") is None
    assert binotel.check_company(form(br.completed("ANSWER", 1, 1, company_id="99")), "48213") == (
        403,
        "wrong companyID",
    )
    assert binotel.check_company(form(br.hangup(3)), "48213") is None, "hangupTheCall names no account"
