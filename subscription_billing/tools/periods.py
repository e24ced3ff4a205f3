"""Billing period arithmetic and day-based proration.

A billing period is described by its *kind* (``month``, ``quarter``, ``year`` or ``days``),
an *interval* (every 1 month, every 3 quarters, every 30 days...), an *alignment* and an
*anchor*:

* ``calendar`` alignment cuts months, quarters and years on calendar boundaries
  (1 January, 1 April, 1st of the month); ``days`` periods have no calendar, they always
  count from the anchor;
* ``start`` alignment counts whole periods from the anchor (the subscription's start
  date): a monthly subscription started on 15 March is billed 15 March - 14 April...

Periods are billed *in advance* (invoice on the first day of the period) or *in arrears*
(invoice the day after the period ends). A line starting or ending inside a period is
billed for the days it covers: the amount is prorated by day over the full period.

Dates are ``datetime.date``; period ends are inclusive (the last day of service).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("month", "quarter", "year", "days")
ALIGNMENTS = ("calendar", "start")
MODES = ("advance", "arrears")

ONE_DAY = timedelta(days=1)


def add_months(day, months):
    """Return ``day`` moved by ``months`` months, clamped to the end of the target month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _months_per_period(kind, interval):
    return {"month": 1, "quarter": 3, "year": 12}[kind] * interval


def _check(kind, interval, alignment):
    if kind not in KINDS:
        raise ValueError(f"unknown period kind {kind!r}, expected one of {', '.join(KINDS)}")
    if not isinstance(interval, int) or interval < 1:
        raise ValueError(f"the period interval must be a whole number of at least 1, not {interval!r}")
    if alignment not in ALIGNMENTS:
        raise ValueError(f"unknown alignment {alignment!r}, expected one of {', '.join(ALIGNMENTS)}")


def _calendar_origin(kind, anchor):
    """First day of the calendar period of ``kind`` that contains ``anchor``."""
    if kind == "month":
        return anchor.replace(day=1)
    if kind == "quarter":
        return date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1)
    return date(anchor.year, 1, 1)


def period_containing(day, kind, interval, alignment, anchor):
    """Return ``(start, end)`` (end inclusive) of the full period containing ``day``.

    Periods are counted from ``anchor`` (start alignment, and always for ``days``) or from
    the calendar boundary at or before the anchor (calendar alignment).
    """
    _check(kind, interval, alignment)
    if kind == "days":
        index = (day - anchor).days // interval
        start = anchor + timedelta(days=index * interval)
        return start, start + timedelta(days=interval - 1)
    origin = anchor if alignment == "start" else _calendar_origin(kind, anchor)
    step = _months_per_period(kind, interval)
    months = (day.year - origin.year) * 12 + day.month - origin.month
    index = months // step
    start = add_months(origin, index * step)
    if start > day:
        index -= 1
        start = add_months(origin, index * step)
    end = add_months(origin, (index + 1) * step) - ONE_DAY
    if end < day:  # clamped month ends (anchor on the 31st) can leave ``day`` past the period
        index += 1
        start = end + ONE_DAY
        end = add_months(origin, (index + 1) * step) - ONE_DAY
    return start, end


def next_period_start(period_start, kind, interval, alignment, anchor):
    """First day of the period after the one starting on ``period_start``."""
    return period_containing(period_start, kind, interval, alignment, anchor)[1] + ONE_DAY


def period_days(start, end):
    """Number of days from ``start`` to ``end``, both included."""
    return (end - start).days + 1


def prorate(amount, start, end, full_start, full_end):
    """``amount`` for a full period, scaled to the days ``start``..``end`` of it (unrounded)."""
    if start < full_start or end > full_end or end < start:
        raise ValueError(f"{start} - {end} is not inside the period {full_start} - {full_end}")
    return amount * period_days(start, end) / period_days(full_start, full_end)


@dataclass(frozen=True)
class Period:
    """One period of one subscription line: the days billed and the full period around them."""

    start: date
    end: date
    full_start: date
    full_end: date
    invoice_date: date

    @property
    def days(self):
        return period_days(self.start, self.end)

    @property
    def full_days(self):
        return period_days(self.full_start, self.full_end)

    @property
    def is_partial(self):
        return (self.start, self.end) != (self.full_start, self.full_end)

    def prorate(self, amount):
        return prorate(amount, self.start, self.end, self.full_start, self.full_end)


def invoice_date_of(start, end, mode):
    """Day a period is invoiced: its first billed day in advance, the day after its end in arrears."""
    if mode not in MODES:
        raise ValueError(f"unknown billing mode {mode!r}, expected one of {', '.join(MODES)}")
    return start if mode == "advance" else end + ONE_DAY


@dataclass(frozen=True)
class Schedule:
    """How a tariff cuts time: period kind and interval, alignment, anchor date, billing mode."""

    kind: str
    interval: int
    alignment: str
    anchor: date
    mode: str = "advance"

    def __post_init__(self):
        _check(self.kind, self.interval, self.alignment)
        if self.mode not in MODES:
            raise ValueError(f"unknown billing mode {self.mode!r}, expected one of {', '.join(MODES)}")

    def containing(self, day):
        return period_containing(day, self.kind, self.interval, self.alignment, self.anchor)


def iter_periods(schedule, line_start, line_end, first_day=None):
    """Yield the periods of a line from ``first_day`` (default: its start) to its end.

    ``line_end`` may be None (open-ended); the caller stops iterating. Each period is
    clipped to the line's start and end.
    """
    line_end = line_end or None  # Odoo gives False for an empty date
    day = max(line_start, first_day) if first_day else line_start
    while line_end is None or day <= line_end:
        full_start, full_end = schedule.containing(day)
        end = min(full_end, line_end) if line_end else full_end
        yield Period(day, end, full_start, full_end, invoice_date_of(day, end, schedule.mode))
        day = full_end + ONE_DAY


def due_periods(schedule, line_start, line_end, today, *, billed_until=None, limit=1000):
    """Return the periods of a line due on ``today`` that are not billed yet.

    ``billed_until`` is the last day already billed (None: nothing billed). Every missed
    period is returned (catch-up), oldest first, at most ``limit`` of them.
    """
    first_day = billed_until + ONE_DAY if billed_until else None
    due = []
    for period in iter_periods(schedule, line_start, line_end, first_day):
        if period.invoice_date > today or len(due) >= limit:
            break
        due.append(period)
    return due


def next_invoice_date(schedule, line_start, line_end, billed_until=None):
    """Invoice date of the first period not billed yet, or None when everything is billed."""
    first_day = billed_until + ONE_DAY if billed_until else None
    for period in iter_periods(schedule, line_start, line_end, first_day):
        return period.invoice_date
    return None


def unused_credit(billed_start, billed_end, full_start, full_end, new_end):
    """Part of an already billed period to credit when a line now ends on ``new_end``.

    Returns ``(start, end)`` of the days billed but no longer served, or None.
    """
    if new_end >= billed_end:
        return None
    start = max(new_end + ONE_DAY, billed_start)
    if start > billed_end:
        return None
    if billed_start < full_start or billed_end > full_end:
        raise ValueError(f"{billed_start} - {billed_end} is not inside the period {full_start} - {full_end}")
    return start, billed_end


def split_by_price(start, end, price_points):
    """Split ``start``..``end`` at each price change.

    ``price_points`` is an iterable of ``(effective_date, price)``; the price in force on a
    day is the one of the latest point on or before it. Returns ``[(start, end, price)]``
    segments covering the range; days before the first point take the first point's price.
    The range is split only where the price really changes: a point that repeats the
    price in force (a price recorded again, a revision of 0 %) does not cut it.
    """
    points = sorted(price_points, key=lambda point: point[0])
    if not points:
        raise ValueError("at least one price is needed")
    price = points[0][1]
    cuts = []
    for effective, value in points:
        if effective <= start:
            price = value
        elif effective <= end:
            cuts.append((effective, value))
    segments = []
    segment_start = start
    for effective, value in cuts:
        if value == price:
            continue
        if effective > segment_start:
            segments.append((segment_start, effective - ONE_DAY, price))
            segment_start = effective
        price = value
    segments.append((segment_start, end, price))
    return segments


def revision_steps(start, steps, months_between):
    """Dates of a staged revision: ``steps`` dates, ``months_between`` months apart from ``start``."""
    if steps < 1:
        raise ValueError("a price revision needs at least one step")
    return [add_months(start, index * months_between) for index in range(steps)]


def apply_change(price, method, value):
    """New price from ``price``: ``fixed`` new price, ``percent`` increase or ``amount`` increase."""
    if method == "fixed":
        new = value
    elif method == "percent":
        new = price * (1 + value / 100.0)
    elif method == "amount":
        new = price + value
    else:
        raise ValueError(f"unknown price change method {method!r}")
    if new < 0:
        raise ValueError(f"the new price {new} would be negative")
    return new
