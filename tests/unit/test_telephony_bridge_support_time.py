import pytest
from addon_tools import tools

st = tools("telephony_bridge", "support_time")


@pytest.mark.parametrize(
    ("seconds", "rule", "expected"),
    [
        (430, (15, "up", 0, 0), 15.0),  # 7 min 10 s -> one quarter hour
        (900, (15, "up", 0, 0), 15.0),  # exactly 15 min stays 15
        (901, (15, "up", 0, 0), 30.0),
        (430, (5, "nearest", 0, 0), 5.0),
        (60, (15, "nearest", 0, 0), 15.0),  # at least one step
        (430, (0, "up", 0, 0), 7.17),  # no rounding step: exact minutes
        (430, (15, "none", 0, 0), 7.17),
        (25, (15, "up", 30, 0), 0.0),  # short call is free
        (95, (1, "up", 0, 5), 5.0),  # minimum charge
        (0, (15, "up", 0, 5), 0.0),
    ],
)
def test_charged_minutes(seconds, rule, expected):
    step, mode, free, minimum = rule
    assert st.charged_minutes(seconds, step, mode, free, minimum) == expected
