"""Zadarma notifications as Zadarma sends them: form-encoded bodies and Signature header.

Plain Python (no Odoo): shared by the unit tests of ``tools/zadarma.py`` and the
endpoint tests. Field names and order are those of Zadarma's API documentation and of
its own library (zadarma/user-api-v1, ``lib/Webhook/Notify*.php``); the signature is
computed here on its own (base64 of the hexadecimal HMAC-SHA1 of the signed fields),
not with the adapter. Numbers are invented; Zadarma writes them without ``+``.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlencode

SECRET = "zd-api-secret-1"
CALL_ID = "in_5d1e8a2f0c3b4a7e9f01"
OUT_CALL_ID = "out_0b7c41d2e9a84f3c5a17"
CUSTOMER = "49301234567"  # the German customer of the shared fixtures, international form
CONTACT_MOBILE = "491715550101"
OUR_NUMBER = "49309999000"
START = "2026-03-02 10:00:00"  # Europe/Berlin (CET): 09:00:00 UTC, the fixtures' T0

# (field order of each event's body, the fields it signs in order)
LAYOUT = {
    "NOTIFY_START": (("event", "call_start", "pbx_call_id", "caller_id", "called_did"),
                     ("caller_id", "called_did", "call_start")),
    "NOTIFY_INTERNAL": (("event", "call_start", "pbx_call_id", "caller_id", "called_did", "internal"),
                        ("caller_id", "called_did", "call_start")),
    "NOTIFY_ANSWER": (("event", "caller_id", "destination", "call_start", "pbx_call_id", "internal"),
                      ("caller_id", "destination", "call_start")),
    "NOTIFY_END": (("event", "call_start", "pbx_call_id", "caller_id", "called_did", "internal", "duration",
                    "disposition", "status_code", "is_recorded", "call_id_with_rec"),
                   ("caller_id", "called_did", "call_start")),
    "NOTIFY_OUT_START": (("event", "call_start", "pbx_call_id", "internal", "destination"),
                         ("internal", "destination", "call_start")),
    "NOTIFY_OUT_END": (("event", "call_start", "pbx_call_id", "caller_id", "destination", "internal", "duration",
                        "disposition", "status_code", "is_recorded", "call_id_with_rec"),
                       ("internal", "destination", "call_start")),
    "NOTIFY_RECORD": (("event", "call_id_with_rec", "pbx_call_id"), ("pbx_call_id", "call_id_with_rec")),
}  # fmt: skip


def fields(event, **values):
    """The ordered (name, value) pairs of a notification ``event``."""
    order = LAYOUT[event][0]
    values["event"] = event
    return [(name, str(values.get(name, ""))) for name in order]


def body(pairs):
    """The form-encoded body (``application/x-www-form-urlencoded``, spaces as ``+``)."""
    return urlencode(pairs).encode()


def sign(pairs, secret=SECRET):
    form = dict(pairs)
    message = "".join(form[name] for name in LAYOUT[form["event"]][1])
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest().encode()).decode()


# the notifications of the test scenarios
def start(call_id=CALL_ID, caller=CUSTOMER):
    return fields("NOTIFY_START", call_start=START, pbx_call_id=call_id, caller_id=caller, called_did=OUR_NUMBER)


def internal(extension="101", call_id=CALL_ID, caller=CUSTOMER):
    return fields("NOTIFY_INTERNAL", call_start=START, pbx_call_id=call_id, caller_id=caller, called_did=OUR_NUMBER,
                  internal=extension)  # fmt: skip


def answer(extension="101", call_id=CALL_ID, caller=CUSTOMER):
    return fields("NOTIFY_ANSWER", caller_id=caller, destination=extension, call_start=START, pbx_call_id=call_id,
                  internal=extension)  # fmt: skip


def end(disposition, duration, *, extension="101", call_id=CALL_ID, caller=CUSTOMER, status_code=16, record=""):
    return fields("NOTIFY_END", call_start=START, pbx_call_id=call_id, caller_id=caller, called_did=OUR_NUMBER,
                  internal=extension, duration=duration, disposition=disposition, status_code=status_code,
                  is_recorded=1 if record else 0, call_id_with_rec=record)  # fmt: skip


def out_start(destination=CONTACT_MOBILE, extension="101", call_id=OUT_CALL_ID):
    return fields("NOTIFY_OUT_START", call_start=START, pbx_call_id=call_id, internal=extension,
                  destination=destination)  # fmt: skip


def out_end(disposition, duration, *, destination=CONTACT_MOBILE, extension="101", call_id=OUT_CALL_ID, status_code=16):
    return fields("NOTIFY_OUT_END", call_start=START, pbx_call_id=call_id, caller_id=OUR_NUMBER,
                  destination=destination, internal=extension, duration=duration, disposition=disposition,
                  status_code=status_code, is_recorded=0, call_id_with_rec="")  # fmt: skip


def record(record_id="1772442000.4242", call_id=CALL_ID):
    return fields("NOTIFY_RECORD", call_id_with_rec=record_id, pbx_call_id=call_id)
