import importlib.util
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import pytest
from addon_tools import REPO, tools

ce = tools("telephony_bridge", "call_events")
zd = tools("telephony_bridge", "zadarma")

_spec = importlib.util.spec_from_file_location("zadarma_requests", REPO / "telephony_bridge/tests/zadarma_requests.py")
zr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zr)

T0 = datetime(2026, 3, 2, 9, 0, 0)  # START in Europe/Berlin, in UTC
TZ = "Europe/Berlin"


def received(pairs):
    """The form as the endpoint reads it from the body Zadarma sends."""
    return dict(parse_qsl(zr.body(pairs).decode(), keep_blank_values=True))


def parse(pairs, seconds):
    return zd.parse_event(received(pairs), TZ, T0 + timedelta(seconds=seconds))


def test_bodies_are_form_encoded_like_zadarma():
    assert zr.body(zr.start()) == (
        b"event=NOTIFY_START&call_start=2026-03-02+10%3A00%3A00&pbx_call_id=in_5d1e8a2f0c3b4a7e9f01"
        b"&caller_id=49301234567&called_did=49309999000"
    )


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # computed with openssl: printf %s <fields> | openssl dgst -sha1 -hmac <secret> -r | hex | base64
        (zr.start(), "ZThmNGU0Y2FjMjg0Y2VlOWM1NmY3NTVkMTAyYWM0NmVlYjhlNTM5NQ=="),
        (zr.end("answered", 120), "ZThmNGU0Y2FjMjg0Y2VlOWM1NmY3NTVkMTAyYWM0NmVlYjhlNTM5NQ=="),
        (zr.out_start("491715550101"), "ZTJlZDk4MWY3MGJmMmEyNWNjMDdlYzdiZTY0NjgxNjMwNTBjMTY1NQ=="),
        (zr.record("rec_77aa-42"), "MTgzNWVhOTgyZGFlYzZkNGNjNGVhZmViODEzNzFhNjBiOTRkNDgyNg=="),
    ],
)
def test_signature_is_zadarmas(pairs, expected):
    form = received(pairs)
    assert zr.sign(pairs) == expected
    assert zd.signature(zr.SECRET, form) == expected
    assert zd.check_signature(zr.SECRET, form, expected) is None


@pytest.mark.parametrize(
    "pairs", [zr.start(), zr.internal(), zr.answer(), zr.end("busy", 0), zr.out_start(), zr.out_end("answered", 5),
              zr.record()]
)  # fmt: skip
def test_each_event_signs_its_own_fields(pairs):
    form = received(pairs)
    assert zd.check_signature(zr.SECRET, form, zr.sign(pairs)) is None
    assert zd.check_signature(zr.SECRET, form, zr.sign(pairs, "other")) == (403, "wrong signature")
    assert zd.check_signature(zr.SECRET, form, "") == (401, "missing Signature header")
    assert zd.check_signature("", form, zr.sign(pairs)) == (403, "wrong signature")
    signed = zd.SIGNED_FIELDS[form["event"]]
    tampered = dict(form, **{signed[0]: form[signed[0]] + "9"})
    assert zd.check_signature(zr.SECRET, tampered, zr.sign(pairs)) == (403, "wrong signature")


def test_call_start_is_local_time_of_the_account():
    assert zd.parse_call_start("2026-03-02 10:00:00", "Europe/Berlin") == T0
    assert zd.parse_call_start("2026-07-02 11:00:00", "Europe/Kyiv") == datetime(2026, 7, 2, 8, 0, 0)
    assert zd.parse_call_start("2026-03-02 09:00:00", None) == T0
    with pytest.raises(ValueError, match="is not a date"):
        zd.parse_call_start("02.03.2026 10:00", TZ)
    with pytest.raises(ValueError, match="unknown time zone"):
        zd.parse_call_start("2026-03-02 10:00:00", "Mars/Olympus")


def test_answered_inbound_call():
    events = [*parse(zr.start(), 0), *parse(zr.internal(), 1), *parse(zr.answer(), 8)]
    events += parse(zr.end("answered", 120, record="1772442000.4242"), 128)
    state = ce.fold(events)
    assert (state.direction, state.caller, state.callee) == ("inbound", "+49301234567", "+49309999000")
    assert (state.state, state.ring_seconds, state.talk_seconds, state.extension) == ("answered", 8, 120, "101")
    assert state.start == T0
    assert state.recording_url == "https://api.zadarma.com/v1/pbx/record/request/?call_id=1772442000.4242"


def test_answered_without_answer_notification_uses_the_duration():
    state = ce.fold([*parse(zr.start(), 0), *parse(zr.end("answered", 100), 130)])
    assert (state.state, state.ring_seconds, state.talk_seconds) == ("answered", 30, 100)


def test_transfer_keeps_the_first_answer_and_each_agents_part():
    events = [*parse(zr.start(), 0), *parse(zr.internal("101"), 1), *parse(zr.answer("101"), 6)]
    events += [*parse(zr.internal("102"), 66), *parse(zr.answer("102"), 70)]
    events += parse(zr.end("answered", 184, extension="102"), 190)
    # the end's duration runs from the first answer; it names no agent of its own
    assert [(e.kind, e.extension) for e in parse(zr.end("answered", 184, extension="102"), 190)] == [
        (ce.ANSWERED, None), (ce.HANGUP, "102")]  # fmt: skip
    for order in (events, list(reversed(events))):
        state = ce.fold(order)
        assert (state.state, state.ring_seconds, state.talk_seconds, state.extension) == ("answered", 6, 184, "102")


def test_caller_hangs_up_before_an_answer_is_missed():
    state = ce.fold([*parse(zr.start(), 0), *parse(zr.internal(), 0), *parse(zr.end("cancel", 0, status_code=16), 20)])
    assert (state.state, state.ring_seconds, state.talk_seconds, state.cause) == ("missed", 20, 0, "no_answer")


@pytest.mark.parametrize(
    ("disposition", "state"),
    [("answered", "answered"), ("busy", "busy"), ("cancel", "missed"), ("no answer", "missed"), ("failed", "failed"),
     ("no money", "failed"), ("unallocated number", "failed"), ("no limit", "failed"), ("no day limit", "failed"),
     ("line limit", "failed"), ("no money, no limit", "failed"), ("no money no limit", "failed")],
)  # fmt: skip
def test_dispositions(disposition, state):
    assert ce.fold([*parse(zr.start(), 0), *parse(zr.end(disposition, 3), 10)]).state == state


def test_outbound_call_is_from_the_extension_to_the_destination():
    state = ce.fold([*parse(zr.out_start(), 0), *parse(zr.out_end("answered", 50), 65)])
    assert (state.direction, state.caller, state.callee, state.extension) == (
        "outbound", "101", "+491715550101", "101")  # fmt: skip
    assert (state.state, state.ring_seconds, state.talk_seconds) == ("answered", 15, 50)


def test_out_of_order_and_duplicates_give_the_same_call():
    events = [*parse(zr.start(), 0), *parse(zr.internal(), 0), *parse(zr.answer(), 8)]
    events += [*parse(zr.end("answered", 120), 128), *parse(zr.record(), 170)]
    expected = ce.fold(events)
    assert ce.fold(list(reversed(events)) + events[:3]) == expected


def test_record_event_only_adds_the_recording():
    state = ce.fold([*parse(zr.start(), 0), *parse(zr.end("no answer", 0), 30)])
    recorded = ce.fold(parse(zr.record("rec-1"), 99), state)
    assert (recorded.state, recorded.end, recorded.ring_seconds) == (state.state, state.end, 30)
    assert recorded.recording_url.endswith("call_id=rec-1")


def test_unknown_events_are_no_call_events():
    assert zd.parse_event({"event": "NOTIFY_IVR", "pbx_call_id": "x"}, TZ, T0) == []
    assert zd.parse_event({"event": "SMS"}, TZ, T0) == []
    assert zd.parse_event({}, TZ, T0) == []


def test_bad_notifications_are_refused():
    with pytest.raises(ValueError, match="has no pbx_call_id"):
        zd.parse_event(dict(received(zr.start()), pbx_call_id=""), TZ, T0)
    with pytest.raises(ValueError, match="unknown disposition"):
        parse(zr.end("sleeping", 0), 5)
    with pytest.raises(ValueError, match="not a number of seconds"):
        parse(zr.end("answered", "ten"), 5)


def test_numbers():
    assert zd._number("49301234567") == "+49301234567"
    assert zd._number("0301234567") == "0301234567"
    assert zd._number("101") == "101"
    assert zd._number("") is None


def test_address_allow_list():
    networks = zd.parse_networks("185.45.152.40/30, 2001:db8::1\n10.0.0.7")
    assert zd.address_allowed(networks, "185.45.152.42")
    assert zd.address_allowed(networks, "10.0.0.7")
    assert zd.address_allowed(networks, "2001:db8::1")
    assert not zd.address_allowed(networks, "185.45.152.44")
    assert not zd.address_allowed(networks, "not an ip")
    assert zd.address_allowed((), "203.0.113.9")
    with pytest.raises(ValueError, match=r"'185\.45\.152' is not an IP"):
        zd.parse_networks("185.45.152")


def test_recording_request_signed_as_zadarmas_client():
    """Client.php: ksort($params); q = http_build_query($params, RFC1738);
    base64_encode(hash_hmac('sha1', $method . q . md5(q), $secret)); header key:sign."""
    import base64 as b64
    import hashlib as hl
    import hmac as hm

    stored = "https://api.zadarma.com/v1/pbx/record/request/?call_id=1772442000.4242"
    address, headers = zd.recording_request(stored, "api-key-1", "zd-api-secret-1")
    assert address == "https://api.zadarma.com/v1/pbx/record/request/?call_id=1772442000.4242&format=json"
    query = "call_id=1772442000.4242&format=json"
    text = "/v1/pbx/record/request/" + query + hl.md5(query.encode()).hexdigest()
    sign = b64.b64encode(hm.new(b"zd-api-secret-1", text.encode(), hl.sha1).hexdigest().encode()).decode()
    assert headers == {"Authorization": f"api-key-1:{sign}"}
    sandbox = zd.recording_request(stored, "k", "s", "https://api-sandbox.zadarma.com/")
    assert sandbox[0].startswith("https://api-sandbox.zadarma.com/v1/pbx/record/request/?call_id=")
    assert zd.recording_request("https://pbx.example.com/rec/1.mp3", "k", "s") is None
