"""Fold PBX call events into one call state, in any order and any number of times.

A PBX (or its webhook relay) may deliver the events of a call late, twice, or out of
order. ``merge(state, event)`` is therefore built only from operations that are
commutative, associative and idempotent (earliest / latest / smallest of each fact):
folding the same set of events in any order, with any duplicates, gives the same state.

``parse_event(payload, fmt, now)`` turns one JSON payload of a supported format
(``generic``, ``twilio``) into a :class:`CallEvent`, raising ``ValueError`` with a
message that can be sent back to the PBX.
"""

import email.utils
from dataclasses import dataclass, replace
from datetime import datetime, timezone

RINGING = "ringing"
ANSWERED = "answered"
TRANSFERRED = "transferred"
HANGUP = "hangup"
EVENT_KINDS = (RINGING, ANSWERED, TRANSFERRED, HANGUP)
# a fact known after the call (its recording): changes neither the call's times nor its state
RECORDED = "recorded"
# the call was a consultation call merged into another one by an attended transfer
# (``merged_into``): it is no call of its own any more
MERGED = "merged"

INBOUND = "inbound"
OUTBOUND = "outbound"

STATE_RINGING = "ringing"
STATE_ANSWERED = "answered"
STATE_MISSED = "missed"
STATE_BUSY = "busy"
STATE_FAILED = "failed"

CAUSE_NORMAL = "normal"
CAUSE_BUSY = "busy"
CAUSE_NO_ANSWER = "no_answer"
CAUSE_FAILED = "failed"

_KIND_ALIASES = {
    "ring": RINGING,
    "ringing": RINGING,
    "incoming": RINGING,
    "call_start": RINGING,
    "start": RINGING,
    "newchannel": RINGING,
    "dialbegin": RINGING,
    "answer": ANSWERED,
    "answered": ANSWERED,
    "connected": ANSWERED,
    "bridge": ANSWERED,
    "bridgeenter": ANSWERED,
    "transfer": TRANSFERRED,
    "transferred": TRANSFERRED,
    "hangup": HANGUP,
    "hungup": HANGUP,
    "hung_up": HANGUP,
    "end": HANGUP,
    "ended": HANGUP,
    "completed": HANGUP,
    "call_end": HANGUP,
}
# rank used to break ties between events of the same second (later in a call wins)
_KIND_RANK = {RINGING: 0, ANSWERED: 1, TRANSFERRED: 2, HANGUP: 3, RECORDED: 4, MERGED: 5}

_DIRECTION_ALIASES = {
    "in": INBOUND,
    "inbound": INBOUND,
    "incoming": INBOUND,
    "out": OUTBOUND,
    "outbound": OUTBOUND,
    "outgoing": OUTBOUND,
    "outbound-api": OUTBOUND,
    "outbound-dial": OUTBOUND,
}

# Hangup causes: words used by webhooks and Q.850 codes used by Asterisk.
_CAUSE_ALIASES = {
    "normal": CAUSE_NORMAL,
    "ok": CAUSE_NORMAL,
    "completed": CAUSE_NORMAL,
    "16": CAUSE_NORMAL,
    "busy": CAUSE_BUSY,
    "user_busy": CAUSE_BUSY,
    "17": CAUSE_BUSY,
    "no_answer": CAUSE_NO_ANSWER,
    "no-answer": CAUSE_NO_ANSWER,
    "noanswer": CAUSE_NO_ANSWER,
    "cancel": CAUSE_NO_ANSWER,
    "canceled": CAUSE_NO_ANSWER,
    "cancelled": CAUSE_NO_ANSWER,
    "missed": CAUSE_NO_ANSWER,
    "18": CAUSE_NO_ANSWER,
    "19": CAUSE_NO_ANSWER,
    "21": CAUSE_NO_ANSWER,
    "failed": CAUSE_FAILED,
    "congestion": CAUSE_FAILED,
    "unavailable": CAUSE_FAILED,
    "error": CAUSE_FAILED,
    "1": CAUSE_FAILED,
    "3": CAUSE_FAILED,
    "27": CAUSE_FAILED,
    "34": CAUSE_FAILED,
    "38": CAUSE_FAILED,
}

_TWILIO_STATUS = {
    "queued": (RINGING, None),
    "initiated": (RINGING, None),
    "ringing": (RINGING, None),
    "in-progress": (ANSWERED, None),
    "answered": (ANSWERED, None),
    "completed": (HANGUP, CAUSE_NORMAL),
    "busy": (HANGUP, CAUSE_BUSY),
    "no-answer": (HANGUP, CAUSE_NO_ANSWER),
    "canceled": (HANGUP, CAUSE_NO_ANSWER),
    "failed": (HANGUP, CAUSE_FAILED),
}

FORMATS = ("generic", "twilio")


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    kind: str
    timestamp: datetime
    direction: str | None = None
    caller: str | None = None
    callee: str | None = None
    extension: str | None = None
    cause: str | None = None
    recording_url: str | None = None
    # a transfer: the extension that transferred (``extension`` is the target)
    transfer_from: str | None = None
    # a hangup timed by its arrival (the PBX sends no end time): a late duplicate
    # must not move the end, so the first delivery's time is kept
    end_at_arrival: bool = False
    merged_into: str | None = None


@dataclass(frozen=True)
class Leg:
    """One agent's part of a call: from when it was answered or transferred to them
    until it was transferred on or ended."""

    extension: str
    start: datetime
    answer: datetime | None
    end: datetime | None
    transferred_from: str | None = None

    @property
    def talk_seconds(self):
        if not self.answer or not self.end:
            return 0
        return max(0, round((self.end - self.answer).total_seconds()))


@dataclass(frozen=True)
class CallState:
    """What is known of a call; every field is None until an event tells it."""

    direction: str | None = None
    caller: str | None = None
    callee: str | None = None
    first_seen: datetime | None = None
    ring_start: datetime | None = None
    answer: datetime | None = None
    end: datetime | None = None
    cause: str | None = None
    extension: str | None = None
    extension_key: tuple | None = None  # (timestamp, kind rank) of the event that set it
    transferred: bool = False
    recording_url: str | None = None
    # sorted, without duplicates: (timestamp, extension) of each answer by an agent and
    # (timestamp, from extension or "", to extension) of each transfer
    answers: tuple = ()
    transfers: tuple = ()
    # the end is a time the PBX reported (not only the arrival of a hangup): it wins
    end_exact: bool = False

    @property
    def start(self):
        return self.ring_start or self.first_seen

    @property
    def state(self):
        if self.answer:
            return STATE_ANSWERED
        if self.end:
            if self.cause == CAUSE_BUSY:
                return STATE_BUSY
            if self.cause == CAUSE_FAILED:
                return STATE_FAILED
            return STATE_MISSED
        return STATE_RINGING

    @property
    def ring_seconds(self):
        start = self.start
        stop = self.answer or self.end
        if not start or not stop:
            return 0
        return max(0, round((stop - start).total_seconds()))

    @property
    def talk_seconds(self):
        if not self.answer or not self.end:
            return 0
        return max(0, round((self.end - self.answer).total_seconds()))


def legs(state):
    """The :class:`Leg` list of ``state``, in time order: each agent who answered,
    each transfer (its target's leg starts at the transfer, talk from their answer)."""
    items = sorted(
        [(ts, 1, extension, "") for ts, extension in state.answers]
        + [(ts, 0, target, source) for ts, source, target in state.transfers]
    )
    result = []
    for ts, order, extension, source in items:
        current = result[-1] if result else None
        if order == 0 and current and (current["start"], current["extension"]) == (ts, extension):
            # the same transfer reported twice (with and without who transferred)
            current["transferred_from"] = current["transferred_from"] or source or None
            continue
        if order == 1 and current and current["extension"] == extension:
            if current["answer"] is None and current["end"] is None:
                current["answer"] = ts
            continue
        if current and current["end"] is None:
            current["end"] = ts
        if order == 1:
            result.append({"extension": extension, "start": ts, "answer": ts, "end": None, "transferred_from": None})
        else:
            origin = source or (current["extension"] if current else None)
            result.append(
                {"extension": extension, "start": ts, "answer": None, "end": None, "transferred_from": origin}
            )
    if result and result[-1]["end"] is None:
        result[-1]["end"] = state.end
    return [Leg(**leg) for leg in result]


def _earliest(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _latest(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def merge(state, event):
    """Return ``state`` updated with ``event`` (neither is modified)."""
    state = state or CallState()
    ts = event.timestamp
    changes = {
        # the same call reported with different spellings: keep a stable choice
        "direction": _earliest(state.direction, event.direction),
        "caller": _earliest(state.caller, event.caller),
        "callee": _earliest(state.callee, event.callee),
        "first_seen": _earliest(state.first_seen, ts),
        "recording_url": _latest(state.recording_url, event.recording_url),
    }
    if event.kind == RINGING:
        changes["ring_start"] = _earliest(state.ring_start, ts)
    elif event.kind == ANSWERED:
        changes["answer"] = _earliest(state.answer, ts)
        if event.extension:
            changes["answers"] = tuple(sorted({*state.answers, (ts, event.extension)}))
    elif event.kind == TRANSFERRED:
        changes["transferred"] = True
        if event.extension:
            transfer = (ts, event.transfer_from or "", event.extension)
            changes["transfers"] = tuple(sorted({*state.transfers, transfer}))
    elif event.kind == HANGUP:
        # ends the PBX reported: the latest; else ends timed by arrival: the earliest
        if event.end_at_arrival:
            end = state.end if state.end_exact else _earliest(state.end, ts)
        else:
            end = _latest(state.end, ts) if state.end_exact else ts
            changes["end_exact"] = True
        changes["end"] = end
        if ts == end:
            cause = event.cause or CAUSE_NORMAL
            changes["cause"] = cause if state.end != ts else _latest(state.cause, cause)
    if event.extension:
        key = (ts, _KIND_RANK[event.kind], event.extension)
        if state.extension_key is None or key > state.extension_key:
            changes["extension"] = event.extension
            changes["extension_key"] = key
    return replace(state, **changes)


def fold(events, state=None):
    """Merge every event of ``events`` into ``state``."""
    for event in events:
        state = merge(state, event)
    return state or CallState()


def parse_timestamp(value, now=None):
    """Naive UTC datetime from ISO 8601, RFC 2822 or Unix epoch; ``now`` when empty."""
    if value in (None, ""):
        if now is None:
            raise ValueError("the event has no timestamp")
        return now
    if isinstance(value, bool):
        raise ValueError(f"timestamp {value!r} is not a date")
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        try:
            moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"timestamp {value!r} is out of range") from exc
        return moment.replace(tzinfo=None)
    if not isinstance(value, str):
        raise ValueError(f"timestamp {value!r} is not a date")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"timestamp {value!r} is not a date") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _text(value, limit=256):
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        raise ValueError(f"{value!r} is not a text value")
    text = str(value).strip()
    return text[:limit] or None


def normalize_direction(value):
    text = _text(value)
    if text is None:
        return None
    direction = _DIRECTION_ALIASES.get(text.lower())
    if direction is None:
        raise ValueError(f"unknown call direction {text!r}")
    return direction


def normalize_cause(value):
    text = _text(value)
    if text is None:
        return None
    return _CAUSE_ALIASES.get(text.lower(), CAUSE_NORMAL)


def _parse_generic(payload, now):
    call_id = _text(payload.get("call_id"))
    if not call_id:
        raise ValueError("the event has no call_id")
    kind_text = _text(payload.get("event"))
    kind = _KIND_ALIASES.get((kind_text or "").lower())
    if kind is None:
        raise ValueError(f"unknown event {kind_text!r}; expected one of {', '.join(EVENT_KINDS)}")
    extension = _text(payload.get("transfer_to")) if kind == TRANSFERRED else None
    return CallEvent(
        call_id=call_id,
        kind=kind,
        timestamp=parse_timestamp(payload.get("timestamp"), now),
        direction=normalize_direction(payload.get("direction")),
        caller=_text(payload.get("from"), 64),
        callee=_text(payload.get("to"), 64),
        extension=extension or _text(payload.get("extension"), 32),
        cause=normalize_cause(payload.get("cause")) if kind == HANGUP else None,
        recording_url=_text(payload.get("recording_url"), 1024),
    )


def _parse_twilio(payload, now):
    call_id = _text(payload.get("CallSid"))
    if not call_id:
        raise ValueError("the event has no CallSid")
    status = (_text(payload.get("CallStatus")) or "").lower()
    if status not in _TWILIO_STATUS:
        raise ValueError(f"unknown CallStatus {status!r}")
    kind, cause = _TWILIO_STATUS[status]
    return CallEvent(
        call_id=call_id,
        kind=kind,
        timestamp=parse_timestamp(payload.get("Timestamp"), now),
        direction=normalize_direction(payload.get("Direction")),
        caller=_text(payload.get("From") or payload.get("Caller"), 64),
        callee=_text(payload.get("To") or payload.get("Called"), 64),
        extension=_text(payload.get("Extension"), 32),
        cause=cause,
        recording_url=_text(payload.get("RecordingUrl"), 1024),
    )


def parse_event(payload, fmt="generic", now=None):
    """Return the :class:`CallEvent` of a JSON object sent by a PBX."""
    if not isinstance(payload, dict):
        raise ValueError("the event must be a JSON object")
    if fmt == "twilio":
        return _parse_twilio(payload, now)
    if fmt == "generic":
        return _parse_generic(payload, now)
    raise ValueError(f"unknown event format {fmt!r}")
