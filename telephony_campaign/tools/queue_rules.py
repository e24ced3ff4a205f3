"""What happens to a campaign contact after a call, and when it may be called: no Odoo needed."""

from datetime import timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Outcomes after which the person was spoken to.
REACHED = frozenset({"reached", "call_back", "promise", "not_interested"})
# Outcomes that put the contact back in the queue to try again later.
RETRY = frozenset({"no_answer", "busy"})


def within_hours(local_dt, hour_from, hour_to, weekdays):
    """Whether ``local_dt`` (the campaign's local time) falls in the calling hours.

    ``hour_from``/``hour_to`` are hours as floats (9.5 is 09:30), ``hour_to`` excluded;
    ``weekdays`` the set of allowed day codes (``WEEKDAYS``).
    """
    if WEEKDAYS[local_dt.weekday()] not in weekdays:
        return False
    hour = local_dt.hour + local_dt.minute / 60 + local_dt.second / 3600
    return hour_from <= hour < hour_to


def format_hour(value):
    """9.5 -> '09:30'."""
    minutes = round(value * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def after_outcome(outcome, now, no_answer_count, max_attempts, retry_minutes, *, callback_at=None):
    """The contact's queue values after a call with ``outcome`` at ``now``.

    ``no_answer_count`` counts the unanswered calls before this one. Returns a dict with
    ``state`` (pending / done / failed), ``next_try`` (when it may be offered again, or None)
    and ``no_answer_count``.
    """
    if outcome in RETRY:
        count = no_answer_count + 1
        if count >= max_attempts:
            return {"state": "failed", "next_try": None, "no_answer_count": count}
        return {"state": "pending", "next_try": now + timedelta(minutes=retry_minutes), "no_answer_count": count}
    if outcome == "call_back":
        if not callback_at or callback_at <= now:
            raise ValueError("a call back needs a time in the future")
        return {"state": "pending", "next_try": callback_at, "no_answer_count": no_answer_count}
    if outcome == "wrong_number":
        return {"state": "failed", "next_try": None, "no_answer_count": no_answer_count}
    return {"state": "done", "next_try": None, "no_answer_count": no_answer_count}
