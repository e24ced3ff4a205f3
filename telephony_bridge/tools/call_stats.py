"""Per-call counts behind the answered and missed rates (no Odoo import).

A call is counted as incoming once it has ended: an incoming call still ringing is not
yet answered nor missed. A missed incoming call is one the Missed Calls list shows:
not answered because nobody picked up, the line was busy or the call failed. An
outgoing call counts in no rate. The rates of a group of calls (an agent, a month, the
pivot's total) are then ratios of these counts, never averages of per-call rates.
"""

INBOUND = "inbound"
ANSWERED = "answered"
RINGING = "ringing"
MISSED_STATES = ("missed", "busy", "failed")


def counts(direction, state):
    """(incoming, answered, missed) counts, each 0 or 1, of one call."""
    if direction != INBOUND or not state or state == RINGING:
        return 0, 0, 0
    return 1, int(state == ANSWERED), int(state in MISSED_STATES)


def rates(direction, state):
    """(answered %, missed %) of one call: 100 or 0 for an ended incoming call, 0 otherwise."""
    incoming, answered, missed = counts(direction, state)
    return 100.0 * answered if incoming else 0.0, 100.0 * missed if incoming else 0.0
