"""Messages to an external provisioning system (RADIUS, billing switch, set-top platform).

A message is a JSON body signed with HMAC-SHA256 (header ``X-Signature: sha256=<hex>``)
so the receiver can check it came from us. Failed deliveries are retried with an
exponential backoff: 1, 5, 25 minutes... capped at 6 hours between attempts.
"""

import hashlib
import hmac
import json
from datetime import timedelta

EVENTS = ("suspend", "reactivate")


def body(event, contract, customer, company, day):
    if event not in EVENTS:
        raise ValueError(f"unknown provisioning event {event!r}")
    data = {"event": event, "contract": contract, "customer": customer, "company": company, "date": day.isoformat()}
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def signature_header(payload, secret):
    return "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def backoff(attempts, first=timedelta(minutes=1), factor=5, cap=timedelta(hours=6)):
    """Delay before the next try after ``attempts`` failed ones (1 -> first, 2 -> first*factor...)."""
    if attempts < 1:
        return timedelta(0)
    return min(cap, first * factor ** (attempts - 1))
