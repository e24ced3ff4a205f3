"""Calendar months of the expiring licenses' campaigns."""

import calendar
from datetime import date


def month_bounds(day):
    """The first and the last day of the month of ``day``."""
    last = calendar.monthrange(day.year, day.month)[1]
    return date(day.year, day.month, 1), date(day.year, day.month, last)
