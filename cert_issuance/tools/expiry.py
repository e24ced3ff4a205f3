"""Expiry arithmetic of licenses and certificates: state from dates, due notice day."""

from datetime import date


def days_left(valid_to, today):
    """Whole days from ``today`` until ``valid_to`` (negative once expired), or None."""
    if not valid_to:
        return None
    return (valid_to - today).days


def expiry_state(valid_from, valid_to, today, warn_days):
    """Return ``"draft"``, ``"valid"``, ``"expiring"`` or ``"expired"``.

    ``draft``: not valid yet (valid_from in the future); ``expired``: the last valid day
    (``valid_to``) is behind ``today``; ``expiring``: it expires within ``warn_days``
    days (the largest notice period); ``valid`` otherwise, also without an end date.
    """
    if valid_from and valid_from > today:
        return "draft"
    left = days_left(valid_to, today)
    if left is None:
        return "valid"
    if left < 0:
        return "expired"
    if left <= warn_days:
        return "expiring"
    return "valid"


def due_notice_day(valid_to, today, notice_days):
    """The notice period whose reminder is due on ``today`` for an item ending ``valid_to``.

    It is the smallest notice day ``d`` with ``0 <= days_left <= d``: 30 days before the
    end the 30-day reminder is due, from 14 days before the 14-day one, and so on. A cron
    that missed a day still finds the reminder of the current period; the caller makes
    sure a (item, end date, notice day) reminder is created only once. None when the item
    has expired or no period has started.
    """
    left = days_left(valid_to, today)
    if left is None or left < 0:
        return None
    started = [day for day in notice_days if day >= left]
    return min(started) if started else None


def next_notice_date(valid_to, today, notice_days):
    """The first date after ``today`` on which a new notice period starts, or None."""
    if not valid_to:
        return None
    dates = sorted(date.fromordinal(valid_to.toordinal() - day) for day in notice_days)
    later = [value for value in dates if value > today]
    return later[0] if later else None
