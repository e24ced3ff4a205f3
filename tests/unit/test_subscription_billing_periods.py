from datetime import date

import pytest
from addon_tools import tools

periods = tools("subscription_billing", "periods")
D = date


@pytest.mark.parametrize(
    ("day", "kind", "interval", "alignment", "anchor", "expected"),
    [
        # calendar alignment
        (D(2025, 3, 15), "month", 1, "calendar", D(2025, 1, 10), (D(2025, 3, 1), D(2025, 3, 31))),
        (D(2024, 2, 29), "month", 1, "calendar", D(2024, 1, 1), (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2025, 5, 20), "quarter", 1, "calendar", D(2025, 1, 10), (D(2025, 4, 1), D(2025, 6, 30))),
        (D(2025, 12, 31), "quarter", 1, "calendar", D(2025, 2, 3), (D(2025, 10, 1), D(2025, 12, 31))),
        (D(2026, 7, 1), "year", 1, "calendar", D(2025, 4, 1), (D(2026, 1, 1), D(2026, 12, 31))),
        (D(2025, 4, 1), "month", 2, "calendar", D(2025, 1, 15), (D(2025, 3, 1), D(2025, 4, 30))),
        # start-date alignment
        (D(2025, 3, 20), "month", 1, "start", D(2025, 1, 15), (D(2025, 3, 15), D(2025, 4, 14))),
        (D(2025, 3, 10), "month", 1, "start", D(2025, 1, 15), (D(2025, 2, 15), D(2025, 3, 14))),
        (D(2025, 2, 28), "month", 1, "start", D(2025, 1, 31), (D(2025, 2, 28), D(2025, 3, 30))),
        (D(2025, 3, 31), "month", 1, "start", D(2025, 1, 31), (D(2025, 3, 31), D(2025, 4, 29))),
        (D(2025, 6, 1), "quarter", 1, "start", D(2025, 2, 15), (D(2025, 5, 15), D(2025, 8, 14))),
        (D(2026, 2, 14), "year", 1, "start", D(2025, 2, 15), (D(2025, 2, 15), D(2026, 2, 14))),
        # N days: always counted from the anchor
        (D(2025, 1, 30), "days", 30, "calendar", D(2025, 1, 1), (D(2025, 1, 1), D(2025, 1, 30))),
        (D(2025, 1, 31), "days", 30, "start", D(2025, 1, 1), (D(2025, 1, 31), D(2025, 3, 1))),
        (D(2025, 1, 8), "days", 7, "start", D(2025, 1, 1), (D(2025, 1, 8), D(2025, 1, 14))),
    ],
)
def test_period_containing(day, kind, interval, alignment, anchor, expected):  # noqa: PLR0917
    assert periods.period_containing(day, kind, interval, alignment, anchor) == expected


@pytest.mark.parametrize(
    ("kind", "interval", "alignment"),
    [
        ("month", 1, "calendar"),
        ("quarter", 1, "start"),
        ("year", 1, "start"),
        ("days", 10, "start"),
        ("month", 5, "start"),
    ],
)
def test_periods_tile_without_gap_or_overlap(kind, interval, alignment):
    anchor = D(2024, 1, 31)
    start = periods.period_containing(anchor, kind, interval, alignment, anchor)[0]
    for _ in range(40):
        full = periods.period_containing(start, kind, interval, alignment, anchor)
        assert full[0] == start
        nxt = periods.next_period_start(start, kind, interval, alignment, anchor)
        assert nxt == full[1] + periods.ONE_DAY
        start = nxt


@pytest.mark.parametrize(
    ("kind", "interval", "alignment", "args", "message"),
    [
        ("week", 1, "calendar", (), "unknown period kind"),
        ("month", 0, "calendar", (), "at least 1"),
        ("month", 1, "fiscal", (), "unknown alignment"),
    ],
)
def test_bad_period_definitions(kind, interval, alignment, args, message):
    with pytest.raises(ValueError, match=message):
        periods.period_containing(D(2025, 1, 1), kind, interval, alignment, D(2025, 1, 1))


@pytest.mark.parametrize(
    ("kind", "interval", "line_start", "full", "days", "full_days", "amount"),
    [
        # starts on the 11th of a 31-day month: 21 of 31 days
        ("month", 1, D(2025, 1, 11), (D(2025, 1, 1), D(2025, 1, 31)), 21, 31, 21.0),
        # quarter Q1 2025 has 90 days, start on 1 March: 31 days
        ("quarter", 1, D(2025, 3, 1), (D(2025, 1, 1), D(2025, 3, 31)), 31, 90, 93.0 * 31 / 90),
        # leap year 2024: 366 days, start 2 July: 183 days
        ("year", 1, D(2024, 7, 2), (D(2024, 1, 1), D(2024, 12, 31)), 183, 366, 366.0 * 183 / 366),
        # 30-day periods anchored on the 1st of January 2025, start on 21 January: 10 days
        ("days", 30, D(2025, 1, 21), (D(2025, 1, 1), D(2025, 1, 30)), 10, 30, 10.0),
    ],
)
def test_start_mid_period_prorated_by_day(kind, interval, line_start, full, days, full_days, amount):  # noqa: PLR0917
    price = {"month": 31.0, "quarter": 93.0, "year": 366.0, "days": 30.0}[kind]
    first = periods.iter_periods(periods.Schedule(kind, interval, "calendar", full[0]), line_start, None)
    period = next(first)
    assert (period.start, period.end) == (line_start, full[1])
    assert (period.full_start, period.full_end) == full
    assert (period.days, period.full_days) == (days, full_days)
    assert period.is_partial
    assert period.prorate(price) == pytest.approx(amount)


@pytest.mark.parametrize(
    ("kind", "line_end", "expected_days", "expected_full"),
    [
        ("month", D(2025, 2, 10), 10, 28),
        ("quarter", D(2025, 5, 15), 45, 91),
        ("year", D(2025, 3, 31), 90, 365),
        ("days", D(2025, 1, 5), 5, 10),
    ],
)
def test_end_mid_period_prorated_by_day(kind, line_end, expected_days, expected_full):
    interval = 10 if kind == "days" else 1
    all_periods = list(
        periods.iter_periods(
            periods.Schedule(kind, interval, "calendar", D(2025, 1, 1), "arrears"), D(2025, 1, 1), line_end
        )
    )
    last = all_periods[-1]
    assert last.end == line_end
    assert (last.days, last.full_days) == (expected_days, expected_full)
    assert last.invoice_date == line_end + periods.ONE_DAY
    assert last.prorate(100.0) == pytest.approx(100.0 * expected_days / expected_full)


def test_full_period_is_not_partial():
    period = next(periods.iter_periods(periods.Schedule("month", 1, "calendar", D(2025, 1, 1)), D(2025, 1, 1), None))
    assert not period.is_partial
    assert period.prorate(49.9) == pytest.approx(49.9)


def test_in_advance_and_in_arrears_invoice_dates():
    advance = periods.due_periods(
        periods.Schedule("month", 1, "calendar", D(2025, 1, 15)), D(2025, 1, 15), None, D(2025, 3, 1)
    )
    assert [(p.start, p.end, p.invoice_date) for p in advance] == [
        (D(2025, 1, 15), D(2025, 1, 31), D(2025, 1, 15)),
        (D(2025, 2, 1), D(2025, 2, 28), D(2025, 2, 1)),
        (D(2025, 3, 1), D(2025, 3, 31), D(2025, 3, 1)),
    ]
    arrears = periods.due_periods(
        periods.Schedule("month", 1, "calendar", D(2025, 1, 15), "arrears"), D(2025, 1, 15), None, D(2025, 3, 1)
    )
    assert [(p.start, p.end, p.invoice_date) for p in arrears] == [
        (D(2025, 1, 15), D(2025, 1, 31), D(2025, 2, 1)),
        (D(2025, 2, 1), D(2025, 2, 28), D(2025, 3, 1)),
    ]


def test_start_aligned_periods_follow_the_start_date():
    due = periods.due_periods(
        periods.Schedule("month", 1, "start", D(2025, 1, 15)), D(2025, 1, 15), None, D(2025, 2, 20)
    )
    assert [(p.start, p.end, p.is_partial) for p in due] == [
        (D(2025, 1, 15), D(2025, 2, 14), False),
        (D(2025, 2, 15), D(2025, 3, 14), False),
    ]


def test_catch_up_returns_every_missed_period_and_nothing_billed_twice():
    args = (periods.Schedule("month", 1, "calendar", D(2025, 1, 1)), D(2025, 1, 1), None)
    due = periods.due_periods(*args, D(2025, 6, 10), billed_until=D(2025, 2, 28))
    assert [p.start for p in due] == [D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)]
    assert periods.due_periods(*args, D(2025, 6, 10), billed_until=D(2025, 6, 30)) == []
    assert periods.next_invoice_date(*args, billed_until=D(2025, 6, 30)) == D(2025, 7, 1)
    assert len(periods.due_periods(*args, D(2030, 1, 1), limit=12)) == 12


def test_ended_line_has_no_more_periods():
    args = (periods.Schedule("month", 1, "calendar", D(2025, 1, 1)), D(2025, 1, 1), D(2025, 3, 15))
    assert periods.next_invoice_date(*args, billed_until=D(2025, 3, 15)) is None
    due = periods.due_periods(*args, D(2026, 1, 1))
    assert [(p.start, p.end) for p in due][-1] == (D(2025, 3, 1), D(2025, 3, 15))


@pytest.mark.parametrize(
    ("kind", "interval", "change_day", "credit_days", "full_days", "new_days"),
    [
        ("month", 1, D(2025, 4, 10), 20, 30, 20),
        ("quarter", 1, D(2025, 4, 10), 81, 91, 81),
        ("year", 1, D(2025, 4, 10), 265, 365, 265),
        ("days", 14, D(2025, 4, 10), 12, 14, 12),
    ],
)
def test_tariff_change_mid_period(kind, interval, change_day, credit_days, full_days, new_days):  # noqa: PLR0917
    """Old line billed in advance ends on the change day: credit the unused days, charge the new tariff."""
    anchor = D(2025, 1, 1)
    old = periods.due_periods(periods.Schedule(kind, interval, "calendar", anchor), anchor, None, change_day)[-1]
    assert old.full_start <= change_day <= old.full_end
    credit = periods.unused_credit(old.start, old.end, old.full_start, old.full_end, change_day)
    assert credit == (change_day + periods.ONE_DAY, old.full_end)
    assert periods.period_days(*credit) == credit_days
    assert periods.prorate(60.0, *credit, old.full_start, old.full_end) == pytest.approx(60.0 * credit_days / full_days)
    new_line = next(
        periods.iter_periods(periods.Schedule(kind, interval, "calendar", anchor), change_day + periods.ONE_DAY, None)
    )
    assert (new_line.days, new_line.full_days) == (new_days, full_days)
    assert new_line.full_start == old.full_start


def test_unused_credit_nothing_when_end_after_billed_period():
    assert periods.unused_credit(D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 31)) is None
    assert periods.unused_credit(D(2025, 1, 10), D(2025, 1, 31), D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 5)) == (
        D(2025, 1, 10),
        D(2025, 1, 31),
    )


def test_prorate_rejects_days_outside_period():
    with pytest.raises(ValueError, match="not inside the period"):
        periods.prorate(10, D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 1), D(2025, 1, 31))


def test_split_by_price_at_effective_dates():
    points = [(D(2024, 1, 1), 30.0), (D(2025, 1, 16), 40.0), (D(2025, 3, 1), 50.0)]
    assert periods.split_by_price(D(2025, 1, 1), D(2025, 1, 31), points) == [
        (D(2025, 1, 1), D(2025, 1, 15), 30.0),
        (D(2025, 1, 16), D(2025, 1, 31), 40.0),
    ]
    assert periods.split_by_price(D(2025, 2, 1), D(2025, 2, 28), points) == [(D(2025, 2, 1), D(2025, 2, 28), 40.0)]
    assert periods.split_by_price(D(2025, 3, 1), D(2025, 3, 31), points) == [(D(2025, 3, 1), D(2025, 3, 31), 50.0)]
    with pytest.raises(ValueError, match="at least one price"):
        periods.split_by_price(D(2025, 3, 1), D(2025, 3, 31), [])


def test_split_only_where_the_price_really_changes():
    # December 2025 billed in advance, price 31.00 a month since 2020. The tariff was saved
    # again on 2 December with the same price: the period stays one 31-day line at 31.00
    # (before: a 1-day line 1-1 Dec and a 30-day line 2-31 Dec, both at 31.00).
    points = [(D(2020, 1, 1), 31.0), (D(2025, 12, 2), 31.0)]
    assert periods.split_by_price(D(2025, 12, 1), D(2025, 12, 31), points) == [(D(2025, 12, 1), D(2025, 12, 31), 31.0)]
    # 31 -> 31 -> 62 -> 62 -> 31: cut on the 11th (to 62) and on the 21st (back to 31) only.
    points = [(D(2020, 1, 1), 31.0), (D(2025, 12, 5), 31.0), (D(2025, 12, 11), 62.0), (D(2025, 12, 15), 62.0)]
    points.append((D(2025, 12, 21), 31.0))
    assert periods.split_by_price(D(2025, 12, 1), D(2025, 12, 31), points) == [
        (D(2025, 12, 1), D(2025, 12, 10), 31.0),
        (D(2025, 12, 11), D(2025, 12, 20), 62.0),
        (D(2025, 12, 21), D(2025, 12, 31), 31.0),
    ]


def test_straddling_period_amount_is_split_by_day():
    segments = periods.split_by_price(D(2025, 1, 1), D(2025, 1, 31), [(D(2020, 1, 1), 31.0), (D(2025, 1, 21), 62.0)])
    total = sum(periods.prorate(price, s, e, D(2025, 1, 1), D(2025, 1, 31)) for s, e, price in segments)
    assert total == pytest.approx(20 * 1.0 + 11 * 2.0)


def test_staged_revision_dates_and_prices():
    assert periods.revision_steps(D(2025, 1, 31), 3, 3) == [D(2025, 1, 31), D(2025, 4, 30), D(2025, 7, 31)]
    assert periods.apply_change(100.0, "percent", 5) == pytest.approx(105.0)
    assert periods.apply_change(periods.apply_change(100.0, "percent", 5), "percent", 5) == pytest.approx(110.25)
    assert periods.apply_change(100.0, "amount", 2.5) == pytest.approx(102.5)
    assert periods.apply_change(100.0, "fixed", 80) == 80
    with pytest.raises(ValueError, match="negative"):
        periods.apply_change(10.0, "amount", -20)
    with pytest.raises(ValueError, match="at least one step"):
        periods.revision_steps(D(2025, 1, 1), 0, 1)


def test_bad_mode_rejected():
    with pytest.raises(ValueError, match="unknown billing mode"):
        periods.invoice_date_of(D(2025, 1, 1), D(2025, 1, 31), "later")
    with pytest.raises(ValueError, match="unknown billing mode"):
        periods.Schedule("month", 1, "calendar", D(2025, 1, 1), "later")
