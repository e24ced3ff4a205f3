"""Response-time arithmetic without Odoo: a rule's limit in working hours, a case's state.

Working time itself (which hours of which days are worked, holidays) is the working
calendar's business: the models ask Odoo's ``resource.calendar`` for it.
"""

OPEN, ON_TIME, LATE = "open", "on_time", "late"


def limit_hours(limit, unit, hours_per_day):
    """The working hours a request may take: ``limit`` working hours, or working days of
    ``hours_per_day`` hours (1 working day from Monday 10:00 ends Tuesday 10:00)."""
    if limit <= 0:
        raise ValueError("a response limit must be positive")
    if unit == "days":
        if hours_per_day <= 0:
            raise ValueError("the working calendar has no working hours per day")
        return limit * hours_per_day
    if unit == "hours":
        return limit
    raise ValueError(f"unknown limit unit {unit!r}")


def case_state(deadline, end, now):
    """``on_time`` or ``late`` once answered (``end``), ``late`` when still unanswered past
    its ``deadline`` at ``now``, else ``open``. An answer at the deadline itself is on time."""
    if end:
        return ON_TIME if end <= deadline else LATE
    return LATE if deadline and now > deadline else OPEN


def counts(state):
    """(decided, on time, late) of one case: the figures whose sums give the share on time;
    an open case is decided neither way yet."""
    return (0 if state == OPEN else 1, 1 if state == ON_TIME else 0, 1 if state == LATE else 0)
