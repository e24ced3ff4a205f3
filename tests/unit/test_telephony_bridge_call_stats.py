import pytest
from addon_tools import tools

cs = tools("telephony_bridge", "call_stats")


@pytest.mark.parametrize(
    ("direction", "state", "expected"),
    [
        ("inbound", "answered", (1, 1, 0)),
        ("inbound", "missed", (1, 0, 1)),
        ("inbound", "busy", (1, 0, 1)),
        ("inbound", "failed", (1, 0, 1)),
        ("inbound", "ringing", (0, 0, 0)),  # not ended: neither answered nor missed yet
        ("outbound", "answered", (0, 0, 0)),
        ("outbound", "busy", (0, 0, 0)),
    ],
)
def test_counts(direction, state, expected):
    assert cs.counts(direction, state) == expected


def test_rates_of_one_call():
    assert cs.rates("inbound", "answered") == (100.0, 0.0)
    assert cs.rates("inbound", "missed") == (0.0, 100.0)
    assert cs.rates("outbound", "answered") == (0.0, 0.0)
