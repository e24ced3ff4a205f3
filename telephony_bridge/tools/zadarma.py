"""Zadarma cloud PBX: its call notifications turned into our call events.

Zadarma posts one form-encoded (``application/x-www-form-urlencoded``) request per
notification to the URL set in its account (``/v1/pbx/callinfo/url/``), with the
field ``event`` naming it, and checks that URL first with ``GET ?zd_echo=<text>``,
which must be answered with ``<text>``. When the account has API keys, each
notification carries a ``Signature`` header: the HMAC-SHA1 of some of its fields,
concatenated in an order of their own per event, keyed with the API secret, written
in hexadecimal, then base64-encoded (PHP ``base64_encode(hash_hmac('sha1', ...))``
of Zadarma's own library, zadarma/user-api-v1, ``lib/Webhook/Notify*.php``).

Events and what they become:

- ``NOTIFY_START`` (an external call enters the PBX): ringing, inbound, from
  ``caller_id`` to ``called_did``, at ``call_start``;
- ``NOTIFY_INTERNAL`` (the call rings an extension ``internal``): ringing at it;
- ``NOTIFY_ANSWER`` (extension ``internal`` answers): answered, when it arrives;
- ``NOTIFY_END`` / ``NOTIFY_OUT_END``: hung up when it arrives; answered ``duration``
  seconds before when ``disposition`` is ``answered`` (outgoing calls have no
  answer notification); the ``disposition`` gives the cause;
- ``NOTIFY_OUT_START`` (extension ``internal`` calls ``destination``): ringing, outbound;
- ``NOTIFY_RECORD``: the recording ``call_id_with_rec`` of call ``pbx_call_id`` exists.

``call_start`` is ``Y-m-d H:i:s`` in the time zone of the Zadarma account: read in the
time zone set on the PBX. Every notification of a call has its ``pbx_call_id``.
Zadarma writes numbers in international form without ``+``; they are given one.
Other events (``NOTIFY_IVR``, SMS, speech recognition...) are not call events: they
are acknowledged and ignored.
"""

import base64
import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import call_events as ce

START = "NOTIFY_START"
INTERNAL = "NOTIFY_INTERNAL"
ANSWER = "NOTIFY_ANSWER"
END = "NOTIFY_END"
OUT_START = "NOTIFY_OUT_START"
OUT_END = "NOTIFY_OUT_END"
RECORD = "NOTIFY_RECORD"

# the fields each event signs, in the order Zadarma concatenates them
SIGNED_FIELDS = {
    START: ("caller_id", "called_did", "call_start"),
    INTERNAL: ("caller_id", "called_did", "call_start"),
    ANSWER: ("caller_id", "destination", "call_start"),
    END: ("caller_id", "called_did", "call_start"),
    OUT_START: ("internal", "destination", "call_start"),
    OUT_END: ("internal", "destination", "call_start"),
    RECORD: ("pbx_call_id", "call_id_with_rec"),
}
EVENTS = tuple(SIGNED_FIELDS)

# NOTIFY_END / NOTIFY_OUT_END "disposition" -> hangup cause
DISPOSITIONS = {
    "answered": ce.CAUSE_NORMAL,
    "busy": ce.CAUSE_BUSY,
    "cancel": ce.CAUSE_NO_ANSWER,  # the caller hung up before an answer
    "no answer": ce.CAUSE_NO_ANSWER,
    "failed": ce.CAUSE_FAILED,
    "no money": ce.CAUSE_FAILED,
    "unallocated number": ce.CAUSE_FAILED,
    "no limit": ce.CAUSE_FAILED,
    "no day limit": ce.CAUSE_FAILED,
    "line limit": ce.CAUSE_FAILED,
    "no money, no limit": ce.CAUSE_FAILED,
}

# where a recording is asked for with Zadarma's API (a signed GET returns a temporary link)
RECORDING_REQUEST_URL = "https://api.zadarma.com/v1/pbx/record/request/?call_id={}"


RECORDING_METHOD = "/v1/pbx/record/request/"
API_URL = "https://api.zadarma.com"


def api_authorization(key, secret, method, params):
    """The ``Authorization`` header of a call to Zadarma's API (its Client.php): the
    parameters sorted by name and form-encoded (RFC 1738), then
    ``key:base64(hex(HMAC-SHA1(method + query + md5(query), secret)))``."""
    query = urlencode(sorted(params.items()))
    message = method + query + hashlib.md5(query.encode(), usedforsecurity=False).hexdigest()
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return f"{key}:{base64.b64encode(digest.encode()).decode()}"


def recording_request(url, key, secret, api_url=None):
    """(address, headers) of the API request that gives a temporary link to the
    recording stored as ``url`` (:data:`RECORDING_REQUEST_URL`); None for other addresses."""
    parsed = urlsplit(url or "")
    if f"{parsed.scheme}://{parsed.netloc}{parsed.path}" != RECORDING_REQUEST_URL.split("?", 1)[0]:
        return None
    call_id = dict(parse_qsl(parsed.query)).get("call_id")
    if not call_id:
        return None
    params = {"call_id": call_id, "format": "json"}  # the library adds the answer's format
    base = (api_url or API_URL).rstrip("/")
    address = f"{base}{RECORDING_METHOD}?{urlencode(params)}"
    return address, {"Authorization": api_authorization(key, secret, RECORDING_METHOD, params)}


def signature(secret, form):
    """The ``Signature`` header Zadarma sends with the notification ``form`` (a dict)."""
    fields = SIGNED_FIELDS[form.get("event")]
    message = "".join(form.get(name) or "" for name in fields)
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def check_signature(secret, form, header):
    """None when ``header`` is the signature of ``form``, else (http status, message).

    Missing: 401; wrong: 403; compared in constant time. Only events of :data:`EVENTS`
    can be checked (the caller ignores the others before).
    """
    header = (header or "").strip()
    if not header:
        return 401, "missing Signature header"
    if not secret or not hmac.compare_digest(signature(secret, form).encode(), header.encode()):
        return 403, "wrong signature"
    return None


def parse_networks(text):
    """The networks of an allow-list written as addresses or CIDR ranges, separated
    by commas, spaces or new lines; ValueError with the wrong entry."""
    networks = []
    for entry in (text or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or network") from exc
    return tuple(networks)


def address_allowed(networks, address):
    """True when no allow-list is set, or ``address`` is in one of ``networks``."""
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in network for network in networks if network.version == ip.version)


def parse_call_start(value, tz_name):
    """Naive UTC datetime of a ``call_start`` (``Y-m-d H:i:s`` in the account's zone)."""
    try:
        local = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise ValueError(f"call_start {value!r} is not a date 'YYYY-MM-DD hh:mm:ss'") from exc
    try:
        zone = ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz_name!r}") from exc
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _number(value):
    """A number as Zadarma writes it, international ones given their ``+``."""
    text = (value or "").strip()[:64]
    if text.isdigit() and len(text) >= 11 and not text.startswith("0"):
        return "+" + text
    return text or None


def _seconds(value, name):
    text = (value or "0").strip() or "0"
    if not text.isdigit():
        raise ValueError(f"{name} {value!r} is not a number of seconds")
    return int(text)


def _recording(form):
    record_id = (form.get("call_id_with_rec") or "").strip()
    if not record_id:
        return None
    if form.get("event") != RECORD and (form.get("is_recorded") or "").strip() != "1":
        return None
    return RECORDING_REQUEST_URL.format(record_id)[:1024]


def parse_event(form, tz_name, now):
    """The :class:`~.call_events.CallEvent` list of one notification (a dict of its
    form fields); empty for events that are no call events. ``now`` (naive UTC) is
    when it arrived. Raises ValueError with a message for the PBX."""
    event = form.get("event")
    if event not in SIGNED_FIELDS:
        return []
    call_id = (form.get("pbx_call_id") or "").strip()
    if not call_id:
        raise ValueError(f"the {event} notification has no pbx_call_id")
    internal = (form.get("internal") or "").strip()[:32] or None
    if event == RECORD:
        return [ce.CallEvent(call_id=call_id, kind=ce.RECORDED, timestamp=now, recording_url=_recording(form))]
    start = parse_call_start(form.get("call_start"), tz_name)
    if event in (OUT_START, OUT_END):
        # caller_id of an outgoing call is the number shown to the callee: the agent is "internal"
        common = {"direction": ce.OUTBOUND, "caller": internal, "callee": _number(form.get("destination"))}
    else:
        callee = form.get("called_did") if event != ANSWER else None
        common = {"direction": ce.INBOUND, "caller": _number(form.get("caller_id")), "callee": _number(callee)}
    if event in (START, INTERNAL, OUT_START):
        return [ce.CallEvent(call_id=call_id, kind=ce.RINGING, timestamp=start, extension=internal, **common)]
    if event == ANSWER:
        return [
            ce.CallEvent(call_id=call_id, kind=ce.ANSWERED, timestamp=max(now, start), extension=internal, **common)
        ]
    disposition = (form.get("disposition") or "").strip().lower()
    if disposition == "no money no limit":
        disposition = "no money, no limit"
    if disposition not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {form.get('disposition')!r}")
    end = max(now, start)
    hangup = ce.CallEvent(
        call_id=call_id,
        kind=ce.HANGUP,
        timestamp=end,
        extension=internal,
        cause=DISPOSITIONS[disposition],
        recording_url=_recording(form),
        # timed by its arrival: a late duplicate of the END must not lengthen the call
        end_at_arrival=True,
        **common,
    )
    if disposition != "answered":
        return [hangup]
    answer = max(start, end - timedelta(seconds=_seconds(form.get("duration"), "duration")))
    # An incoming call's answers were each reported by NOTIFY_ANSWER with the extension that took
    # it; the end's duration runs from the first of them. Naming the end's extension here would
    # make the last agent of a transferred call the one who answered first. An outgoing call has
    # no answer notification: its end names the agent who called.
    answered_by = internal if event == OUT_END else None
    return [ce.CallEvent(call_id=call_id, kind=ce.ANSWERED, timestamp=answer, extension=answered_by, **common), hangup]
