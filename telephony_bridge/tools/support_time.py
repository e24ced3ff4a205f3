"""Support time arithmetic (no Odoo import)."""

import math

ROUND_UP = "up"
ROUND_NEAREST = "nearest"
ROUND_NONE = "none"


def charged_minutes(talk_seconds, step_minutes=0, mode=ROUND_UP, free_seconds=0, minimum_minutes=0):
    """Minutes a call consumes from a prepaid package.

    Calls up to ``free_seconds`` are free; otherwise the talk time is rounded to a
    multiple of ``step_minutes`` (up or to the nearest, at least one step), and at
    least ``minimum_minutes`` are charged.
    """
    talk_seconds = max(0, int(talk_seconds or 0))
    if talk_seconds == 0 or talk_seconds <= (free_seconds or 0):
        return 0.0
    minutes = talk_seconds / 60.0
    if step_minutes and step_minutes > 0 and mode != ROUND_NONE:
        steps = minutes / step_minutes
        steps = math.ceil(steps - 1e-9) if mode == ROUND_UP else max(1, math.floor(steps + 0.5))
        minutes = steps * step_minutes
    return round(max(minutes, minimum_minutes or 0), 2)
