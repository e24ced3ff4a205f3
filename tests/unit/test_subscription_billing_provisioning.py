import hashlib
import hmac
import json
from datetime import date, timedelta

import pytest
from addon_tools import tools

provisioning = tools("subscription_billing", "provisioning")


def test_body_is_canonical_json():
    payload = provisioning.body("suspend", "SUB/0042", "Anna", "NetCo", date(2026, 3, 1))
    assert payload == (
        b'{"company":"NetCo","contract":"SUB/0042","customer":"Anna","date":"2026-03-01","event":"suspend"}'
    )
    assert json.loads(payload)["event"] == "suspend"


def test_unknown_event_is_refused():
    with pytest.raises(ValueError, match="unknown provisioning event 'delete'"):
        provisioning.body("delete", "SUB/1", "A", "B", date(2026, 1, 1))


def test_signature_is_hmac_sha256_of_the_body():
    payload = b'{"event":"reactivate"}'
    expected = hmac.new(b"s3cret", payload, hashlib.sha256).hexdigest()
    assert provisioning.signature_header(payload, "s3cret") == f"sha256={expected}"


def test_backoff_grows_five_fold_up_to_six_hours():
    assert [provisioning.backoff(n) for n in range(6)] == [
        timedelta(0),
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(minutes=125),
        timedelta(hours=6),
    ]
