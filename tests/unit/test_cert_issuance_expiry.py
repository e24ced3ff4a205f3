from datetime import date

import pytest
from addon_tools import tools

expiry = tools("cert_issuance", "expiry")

TODAY = date(2026, 3, 1)
DAYS = (30, 14, 7, 1)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "state"),
    [
        (None, None, "valid"),
        (date(2026, 1, 1), date(2027, 1, 1), "valid"),
        (date(2026, 1, 1), date(2026, 3, 31), "expiring"),
        (date(2026, 1, 1), date(2026, 4, 1), "valid"),
        (date(2026, 1, 1), date(2026, 3, 1), "expiring"),
        (date(2026, 1, 1), date(2026, 2, 28), "expired"),
        (date(2026, 3, 2), date(2027, 3, 2), "draft"),
    ],
)
def test_expiry_state_from_dates(valid_from, valid_to, state):
    assert expiry.expiry_state(valid_from, valid_to, TODAY, 30) == state


@pytest.mark.parametrize(
    ("valid_to", "due"),
    [
        (date(2026, 4, 1), None),  # 31 days left: no period started
        (date(2026, 3, 31), 30),  # exactly 30 days
        (date(2026, 3, 20), 30),  # 19 days: still the 30-day period (catch-up)
        (date(2026, 3, 15), 14),
        (date(2026, 3, 8), 7),
        (date(2026, 3, 3), 7),
        (date(2026, 3, 2), 1),
        (date(2026, 3, 1), 1),  # expires today: the last period
        (date(2026, 2, 28), None),  # expired
        (None, None),
    ],
)
def test_due_notice_day(valid_to, due):
    assert expiry.due_notice_day(valid_to, TODAY, DAYS) == due


def test_due_notice_day_zero_means_on_expiry_day():
    assert expiry.due_notice_day(TODAY, TODAY, (0,)) == 0
    assert expiry.due_notice_day(date(2026, 3, 2), TODAY, (0,)) is None


def test_next_notice_date():
    assert expiry.next_notice_date(date(2026, 3, 31), TODAY, DAYS) == date(2026, 3, 17)
    assert expiry.next_notice_date(date(2026, 3, 2), TODAY, DAYS) is None
    assert expiry.next_notice_date(None, TODAY, DAYS) is None
