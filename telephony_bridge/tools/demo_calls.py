"""The calls of the demo: three weeks of a provider's support line, planned without Odoo.

Deterministic (no random numbers): the same install day gives the same calls. Times are
the office's local hours (Kyiv) turned into naive UTC datetimes, as Odoo stores them.
"""

import datetime
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")
DAYS = 21
CALLS_PER_WORKDAY = 16
CALLS_PER_WEEKEND_DAY = 5
OPEN_MINUTES = 9 * 60  # 09:00
DAY_MINUTES = 9 * 60 + 30  # calls until 18:30
UNPROCESSED_DAYS = 1  # missed calls of today and yesterday still wait for their callback


def _utc(day, minutes):
    local = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=KYIV)
    return local.astimezone(datetime.UTC).replace(tzinfo=None)


def plan(now, customers, agents):
    """The calls up to ``now`` (naive UTC), oldest first, as dicts.

    ``customers`` and ``agents`` are counts: a call names its customer (None: an unknown
    number) and its agent by index. A missed call of the days before yesterday has its
    callback (``callback_of``: index of the missed call in the list); one call is
    transferred between two agents (``transfer_to``).
    """
    calls = []
    today = (now.replace(tzinfo=datetime.UTC).astimezone(KYIV)).date()
    transfer_done = False
    for back in range(DAYS - 1, -1, -1):
        day = today - datetime.timedelta(days=back)
        count = CALLS_PER_WORKDAY if day.weekday() < 5 else CALLS_PER_WEEKEND_DAY
        offsets = sorted({(k * 37 + back * 11) % DAY_MINUTES for k in range(count)})
        for k, offset in enumerate(offsets):
            start = _utc(day, OPEN_MINUTES + offset)
            if start >= now:
                break
            mix = (back * 31 + k * 17) % 100
            customer = None if mix % 10 == 3 else (back * 7 + k * 13) % customers
            agent = (back + k) % agents
            call = {
                "start": start,
                "customer": customer,
                "unknown_number": f"+380 44 5{back:02d} {k:02d} {mix:02d}",
                "agent": agent,
                "ring": 5 + mix % 20,
                "talk": 0,
                "callback_of": None,
                "transfer_to": None,
            }
            if mix < 12:
                call.update(direction="inbound", state="missed", ring=15 + mix)
            elif mix < 16:
                call.update(direction="outbound", state="busy", ring=4)
            else:
                call.update(direction="inbound" if mix >= 22 else "outbound", state="answered")
                call["talk"] = 40 + (mix * 53 + k * 29) % 860
            if not transfer_done and back == 1 and call["state"] == "answered" and call["direction"] == "inbound":
                call["transfer_to"] = (agent + 1) % agents
                transfer_done = True
            calls.append(call)
            if call["state"] == "missed" and back > UNPROCESSED_DAYS and customer is not None:
                callback_start = start + datetime.timedelta(minutes=10 + mix * 7)
                calls.append(
                    {
                        **call,
                        "start": callback_start,
                        "direction": "outbound",
                        "state": "answered",
                        "ring": 6,
                        "talk": 60 + mix * 11,
                        "callback_of": len(calls) - 1,
                    }
                )
    return calls
