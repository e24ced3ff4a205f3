from datetime import datetime

import pytest
from addon_tools import tools

rt = tools("telephony_bridge_account", "response_time")

MON_10 = datetime(2026, 3, 2, 10)
TUE_10 = datetime(2026, 3, 3, 10)


def test_limit_in_days_counts_the_calendars_hours_per_day():
    assert rt.limit_hours(1, "days", 8.0) == 8.0
    assert rt.limit_hours(2, "days", 7.5) == 15.0
    assert rt.limit_hours(4, "hours", 8.0) == 4


@pytest.mark.parametrize(
    ("limit", "unit", "per_day"), [(0, "days", 8.0), (-1, "hours", 8.0), (1, "days", 0), (1, "weeks", 8)]
)
def test_bad_limits_are_refused(limit, unit, per_day):
    with pytest.raises(ValueError):
        rt.limit_hours(limit, unit, per_day)


def test_states():
    assert rt.case_state(TUE_10, datetime(2026, 3, 3, 9, 59), MON_10) == "on_time"
    assert rt.case_state(TUE_10, TUE_10, TUE_10) == "on_time"  # at the deadline itself
    assert rt.case_state(TUE_10, datetime(2026, 3, 4, 15), MON_10) == "late"
    assert rt.case_state(TUE_10, None, MON_10) == "open"
    assert rt.case_state(TUE_10, None, datetime(2026, 3, 3, 10, 1)) == "late"


def test_counts():
    assert rt.counts("open") == (0, 0, 0)
    assert rt.counts("on_time") == (1, 1, 0)
    assert rt.counts("late") == (1, 0, 1)
