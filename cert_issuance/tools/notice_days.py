"""Parse the "days before expiry" setting, e.g. ``"30, 14, 7, 1"``."""


def parse_notice_days(text):
    """Return the notice days of ``text`` as a tuple, largest first, without repeats.

    Raises ``ValueError`` with a message fit for the user when ``text`` is empty or
    holds anything but whole numbers from 0 to 3650.
    """
    days = set()
    for raw in (text or "").replace(";", ",").split(","):
        part = raw.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f'"{part}" is not a whole number of days')
        value = int(part)
        if value > 3650:
            raise ValueError(f"{value} days is more than ten years")
        days.add(value)
    if not days:
        raise ValueError("give at least one number of days, for example 30,14,7,1")
    return tuple(sorted(days, reverse=True))
