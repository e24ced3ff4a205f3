"""When a declined automatic card payment is tried again (no Odoo needed).

A dunning policy's retry schedule is a list of days counted from the first attempt, the one
made when the billing run posted the invoice: ``"1,3,7"`` retries one, three and seven days
after it. Attempt 1 is that first charge; attempt ``n + 1`` is the ``n``-th retry.
"""

import re
from datetime import timedelta

REFERENCE = re.compile(r"^(?P<invoice>.+)-AUTO(?P<attempt>[1-9][0-9]*)$")


def parse_retry_days(text):
    """``"1, 3,7"`` -> ``[1, 3, 7]``; raises ``ValueError`` on anything else than rising positive days."""
    if not text or not text.strip():
        return []
    try:
        days = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError as error:
        raise ValueError(f"{text!r} is not a list of days separated by commas") from error
    if any(day <= 0 for day in days):
        raise ValueError("retry days must be positive")
    if days != sorted(set(days)):
        raise ValueError("retry days must rise, each day once")
    return days


def next_attempt_date(first_attempt, attempts_made, retry_days):
    """Date of the next attempt after ``attempts_made`` declined ones, or ``None`` after the last.

    >>> from datetime import date
    >>> next_attempt_date(date(2025, 3, 1), 1, [1, 3, 7])
    datetime.date(2025, 3, 2)
    >>> next_attempt_date(date(2025, 3, 1), 4, [1, 3, 7]) is None
    True
    """
    if attempts_made < 1:
        return first_attempt
    if attempts_made > len(retry_days):
        return None
    return first_attempt + timedelta(days=retry_days[attempts_made - 1])


def reference(invoice_name, attempt):
    """Idempotency key of one automatic charge: the transaction reference (unique in Odoo).

    The same invoice and attempt always give the same reference, so a second worker trying
    the same charge is refused by the database's unique constraint on the reference.
    """
    return f"{invoice_name}-AUTO{attempt}"


def parse_reference(text):
    """``"INV/2025/00012-AUTO2"`` -> ``("INV/2025/00012", 2)``; ``None`` for any other reference.

    >>> parse_reference("INV/2025/00012-AUTO2")
    ('INV/2025/00012', 2)
    >>> parse_reference("INV/2025/00012") is None
    True
    """
    match = REFERENCE.match(text or "")
    if not match:
        return None
    return match["invoice"], int(match["attempt"])
