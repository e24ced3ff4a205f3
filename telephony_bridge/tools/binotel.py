"""Binotel cloud PBX: its API CALL SETTINGS / API CALL COMPLETED webhooks as call events.

Binotel posts form-encoded (``application/x-www-form-urlencoded``, PHP
``http_build_query``) requests to the URL its support sets for the account, one per
event, named by the field ``requestType``:

- ``receivedTheCall`` (a call starts: ``generalCallID``, ``callType`` 0 incoming /
  1 outgoing, ``companyID``, ``externalNumber``, ``internalNumber``, ``pbxNumber``,
  ``didNumber``, ``srcNumber``, ``method``): ringing, when it arrives;
- ``answeredTheCall`` (an employee ``internalNumber`` answers): answered, when it arrives;
- ``transferredTheCall`` (the call is transferred to ``internalNumber``): a transfer;
- ``hangupTheCall`` (``billsec``, ``disposition``): hung up when it arrives, answered
  ``billsec`` seconds before when answered;
- ``apiCallCompleted`` (the call's record, fields ``callDetails[...]``: ``companyID``,
  ``generalCallID``, ``callID``, ``startTime`` (Unix time), ``callType``,
  ``internalNumber``, ``externalNumber``, ``waitsec``, ``billsec``, ``disposition``,
  ``historyData[i][internalNumber|waitsec|billsec|disposition]`` for each employee
  the call reached in turn, ``linkToCallRecordInMyBusiness``...): the whole call,
  its times counted from ``startTime``, each transfer from ``historyData``.
  Binotel repeats it (``attemptsCounter``) until it is answered ``{"status": "success"}``.
- ``apiCallSettings`` / ``gettingCallSettings`` (Binotel asks how to route a call)
  and other request types are no call events: acknowledged and ignored.

Binotel signs nothing: its requests come from the addresses it publishes
(:data:`SOURCE_ADDRESSES`), and carry the account's ``companyID``. Field names,
request types, dispositions and addresses follow Binotel's API documentation
(developers.binotel.ua, "API CALL SETTINGS" and "API CALL COMPLETED") as the open
clients implement it (sashalenz/binotel-api ``src/ResponseData/Webhooks/*.php``,
``src/Enums/DispositionEnum.php``, ``src/Http/Requests/WebhookRequest.php``).
Numbers come as the caller dialled them, national Ukrainian ones with their ``0``.
"""

from datetime import datetime, timedelta, timezone

from . import call_events as ce

RECEIVED = "receivedTheCall"
ANSWERED = "answeredTheCall"
TRANSFERRED = "transferredTheCall"
HANGUP = "hangupTheCall"
COMPLETED = "apiCallCompleted"
CALL_REQUESTS = (RECEIVED, ANSWERED, TRANSFERRED, HANGUP, COMPLETED)

# the addresses Binotel's servers post from (my.binotel.ua, sip1..sip52.binotel.com)
SOURCE_ADDRESSES = (
    "194.88.218.114 194.88.218.116 194.88.218.117 194.88.218.118 194.88.218.119 194.88.218.120 "
    "194.88.219.67 194.88.219.70 194.88.219.71 194.88.219.72 194.88.219.78 194.88.219.79 "
    "194.88.219.80 194.88.219.81 194.88.219.82 194.88.219.83 194.88.219.84 194.88.219.85 "
    "194.88.219.86 194.88.219.87 194.88.219.88 194.88.219.89 194.88.219.92 "
    "185.100.66.145 185.100.66.146 185.100.66.147 45.91.130.36 45.91.130.51"
)

# disposition -> (answered, hangup cause); ONLINE / CALLING: the call is still going on
DISPOSITIONS = {
    "ANSWER": (True, ce.CAUSE_NORMAL),
    "TRANSFER": (True, ce.CAUSE_NORMAL),
    "BUSY": (False, ce.CAUSE_BUSY),
    "NOANSWER": (False, ce.CAUSE_NO_ANSWER),
    "NO ANSWER": (False, ce.CAUSE_NO_ANSWER),
    "CANCEL": (False, ce.CAUSE_NO_ANSWER),  # the caller hung up before an answer
    "VM": (False, ce.CAUSE_NO_ANSWER),  # left to the voice mail
    "VM-SUCCESS": (False, ce.CAUSE_NO_ANSWER),
    "CONGESTION": (False, ce.CAUSE_FAILED),
    "CHANUNAVAIL": (False, ce.CAUSE_FAILED),
    "FAILED": (False, ce.CAUSE_FAILED),
    "SUCCESS": (True, ce.CAUSE_NORMAL),
    "SMS-SENDING": (False, ce.CAUSE_NO_ANSWER),
    "SMS-SUCCESS": (False, ce.CAUSE_NO_ANSWER),
    "SMS-FAILED": (False, ce.CAUSE_NO_ANSWER),
}
ONGOING = ("ONLINE", "CALLING")


def company_id(form):
    """The ``companyID`` a request names, or None (``hangupTheCall`` names none)."""
    value = form.get("companyID") or form.get("callDetails[companyID]") or ""
    return value.strip() or None


def check_company(form, expected):
    """None when the request is for the Binotel account ``expected`` (or none is set),
    else (403, message)."""
    named = company_id(form)
    if expected and named and named != str(expected).strip():
        return 403, "wrong companyID"
    return None


def _number(value):
    text = (value or "").strip()[:64]
    return text or None


def _seconds(form, name):
    text = (form.get(name) or "0").strip() or "0"
    if not text.isdigit():
        raise ValueError(f"{name} {form.get(name)!r} is not a number of seconds")
    return int(text)


def _direction(form, name="callType"):
    value = (form.get(name) or "0").strip()
    if value not in ("0", "1"):
        raise ValueError(f"unknown callType {value!r}")
    return ce.OUTBOUND if value == "1" else ce.INBOUND


def _disposition(value):
    disposition = (value or "").strip().upper()
    if disposition not in DISPOSITIONS and disposition not in ONGOING:
        raise ValueError(f"unknown disposition {value!r}")
    return disposition


def _sides(direction, external, internal):
    """caller, callee of a call with the customer ``external`` and the employee ``internal``."""
    if direction == ce.OUTBOUND:
        return {"caller": internal, "callee": external}
    return {"caller": external, "callee": None}


def _history(form):
    """The ``historyData`` entries of an ``apiCallCompleted``, in order."""
    entries = []
    index = 0
    while f"callDetails[historyData][{index}][disposition]" in form:
        prefix = f"callDetails[historyData][{index}]"
        entries.append(
            {
                "internal": _number(form.get(f"{prefix}[internalNumber]")),
                "waitsec": _seconds(form, f"{prefix}[waitsec]"),
                "billsec": _seconds(form, f"{prefix}[billsec]"),
                "disposition": _disposition(form.get(f"{prefix}[disposition]")),
            }
        )
        index += 1
    return entries


def _completed(form):
    """The call events of an ``apiCallCompleted`` record."""
    prefix = "callDetails["
    call_id = (form.get(f"{prefix}generalCallID]") or "").strip()
    if not call_id:
        raise ValueError("the apiCallCompleted request has no callDetails[generalCallID]")
    start_text = (form.get(f"{prefix}startTime]") or "").strip()
    if not start_text.isdigit():
        raise ValueError(f"callDetails[startTime] {start_text!r} is not a Unix time")
    start = datetime.fromtimestamp(int(start_text), tz=timezone.utc).replace(tzinfo=None)
    direction = _direction(form, "callDetails[callType]")
    external = _number(form.get(f"{prefix}externalNumber]"))
    internal = _number(form.get(f"{prefix}internalNumber]"))
    disposition = _disposition(form.get(f"{prefix}disposition]"))
    recording = (form.get(f"{prefix}linkToCallRecordInMyBusiness]") or "").strip()[:1024] or None
    common = {"call_id": call_id, "direction": direction, **_sides(direction, external, internal)}
    history = _history(form) or [
        {
            "internal": internal,
            "waitsec": _seconds(form, f"{prefix}waitsec]"),
            "billsec": _seconds(form, f"{prefix}billsec]"),
            "disposition": disposition,
        }
    ]
    events = [ce.CallEvent(kind=ce.RINGING, timestamp=start, extension=history[0]["internal"], **common)]
    moment = start
    previous = None  # the employee who talked last
    for entry in history:
        agent = entry["internal"]
        if previous and agent and agent != previous:
            # taken over from the employee who talked before: a transfer (its ring
            # time is the wait of the new employee)
            events.append(
                ce.CallEvent(kind=ce.TRANSFERRED, timestamp=moment, extension=agent, transfer_from=previous, **common)
            )
        elif agent:
            events.append(ce.CallEvent(kind=ce.RINGING, timestamp=moment, extension=agent, **common))
        moment += timedelta(seconds=entry["waitsec"])
        answered = DISPOSITIONS.get(entry["disposition"], (False, None))[0] and entry["billsec"] > 0
        if answered:
            events.append(ce.CallEvent(kind=ce.ANSWERED, timestamp=moment, extension=agent, **common))
            moment += timedelta(seconds=entry["billsec"])
            previous = agent
    if disposition in ONGOING:
        return events  # the record of a call still going on: no end yet
    cause = DISPOSITIONS[disposition][1]
    if previous:
        cause = ce.CAUSE_NORMAL
    events.append(ce.CallEvent(kind=ce.HANGUP, timestamp=moment, cause=cause, recording_url=recording, **common))
    return events


def _hangup(form, call_id, now):
    """The call events of a ``hangupTheCall``: it ended now, answered ``billsec`` before."""
    disposition = _disposition(form.get("disposition"))
    if disposition in ONGOING:
        return []
    answered, cause = DISPOSITIONS[disposition]
    billsec = _seconds(form, "billsec")
    hangup = ce.CallEvent(call_id=call_id, kind=ce.HANGUP, timestamp=now, cause=cause, end_at_arrival=True)
    if not (answered and billsec):
        return [hangup]
    answer = ce.CallEvent(call_id=call_id, kind=ce.ANSWERED, timestamp=now - timedelta(seconds=billsec))
    return [answer, hangup]


def parse_event(form, now):
    """The :class:`~.call_events.CallEvent` list of one Binotel request (a dict of its
    form fields); empty for requests that are no call events. ``now`` (naive UTC) is
    when it arrived. Raises ValueError with a message for the PBX."""
    request_type = (form.get("requestType") or "").strip()
    if request_type not in CALL_REQUESTS:
        return []
    if request_type == COMPLETED:
        return _completed(form)
    call_id = (form.get("generalCallID") or "").strip()
    if not call_id:
        raise ValueError(f"the {request_type} request has no generalCallID")
    internal = _number(form.get("internalNumber"))
    if request_type == TRANSFERRED:
        return [ce.CallEvent(call_id=call_id, kind=ce.TRANSFERRED, timestamp=now, extension=internal)]
    if request_type == HANGUP:
        return _hangup(form, call_id, now)
    direction = _direction(form)
    common = {
        "call_id": call_id,
        "direction": direction,
        "extension": internal,
        **_sides(direction, _number(form.get("externalNumber")), internal),
    }
    kind = ce.RINGING if request_type == RECEIVED else ce.ANSWERED
    return [ce.CallEvent(kind=kind, timestamp=now, **common)]
