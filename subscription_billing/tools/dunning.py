"""Which dunning step is due for an invoice today.

A dunning policy is a list of :class:`Step`. A step fires on a date computed from an
*anchor* of the invoice (its date, its due date, or the day it was paid) plus
``offset_days`` (negative: before). A step may repeat every ``repeat_every_days`` while
the invoice is unpaid, up to ``repeat_until_days`` after the same anchor. An
*escalation* step ends the dunning of the invoice: nothing after it is sent.

Each firing of a step is an :class:`Occurrence` with a stable ``key`` (step id and
repeat number): a key once sent is never sent again, so running the evaluation twice a
day sends nothing new. After downtime only the latest due occurrence is sent, never a
burst of the missed ones.

Pure functions of dates and ids: the Odoo side reads the invoices and the log of sent
keys in bulk, calls :func:`due_occurrence` per invoice and writes the results.
"""

from dataclasses import dataclass
from datetime import date, timedelta

ANCHORS = ("invoice_date", "due_date", "payment_date")


@dataclass(frozen=True)
class Step:
    id: int
    anchor: str
    offset_days: int = 0
    repeat_every_days: int = 0
    repeat_until_days: int = 0
    escalation: bool = False
    sequence: int = 10

    def __post_init__(self):
        if self.anchor not in ANCHORS:
            raise ValueError(f"unknown anchor {self.anchor!r}, expected one of {', '.join(ANCHORS)}")
        if self.repeat_every_days < 0:
            raise ValueError("a step cannot repeat every negative number of days")
        if self.repeat_every_days and self.repeat_until_days < self.offset_days:
            raise ValueError("a repeated step must repeat until a day at or after its first day")
        if self.anchor == "payment_date" and (self.repeat_every_days or self.escalation):
            raise ValueError("a step on payment is sent once and cannot escalate")


@dataclass(frozen=True)
class Occurrence:
    step: Step
    day: date
    repeat: int  # 0 for the first firing, 1 for the first repeat...

    @property
    def key(self):
        return (self.step.id, self.repeat)


@dataclass(frozen=True)
class InvoiceDates:
    invoice_date: date
    due_date: date
    payment_date: date | None = None  # set once fully paid


def occurrences(step, invoice, until):
    """The firings of ``step`` for ``invoice`` on or before ``until``, oldest first."""
    anchor = getattr(invoice, step.anchor)
    if anchor is None:
        return []
    first = anchor + timedelta(days=step.offset_days)
    if first > until:
        return []
    result = [Occurrence(step, first, 0)]
    if step.repeat_every_days:
        last_allowed = min(until, anchor + timedelta(days=step.repeat_until_days))
        day, repeat = first, 0
        while True:
            day += timedelta(days=step.repeat_every_days)
            repeat += 1
            if day > last_allowed:
                break
            result.append(Occurrence(step, day, repeat))
    return result


def latest_occurrence(step, invoice, until):
    """The last firing of ``step`` on or before ``until``, or None; same as ``occurrences(...)[-1]``."""
    anchor = getattr(invoice, step.anchor)
    if anchor is None:
        return None
    found = _latest(step, anchor.toordinal(), until.toordinal())
    return Occurrence(step, date.fromordinal(found[0]), found[1]) if found else None


def _latest(step, anchor, until):
    """(day, repeat) of the step's last firing on or before ``until``, all days as ordinals.

    Computed, not enumerated, on integers: the decision runs for every open invoice every day.
    """
    first = anchor + step.offset_days
    if first > until:
        return None
    repeat = 0
    if step.repeat_every_days:
        last_allowed = min(until, anchor + step.repeat_until_days)
        repeat = max(0, (last_allowed - first) // step.repeat_every_days)
    return first + repeat * step.repeat_every_days, repeat


def due_occurrence(steps, invoice, today, sent_keys=frozenset(), late_thanks_days=7):
    """The occurrence to send today for ``invoice``, or ``None``.

    Rules, in order:

    * an invoice paid on or before ``today`` gets only its payment step (the thank-you),
      once, and not when it would come more than ``late_thanks_days`` after its day
      (payments made before dunning was set up are not thanked for); reminders stop with
      the payment;
    * an unpaid invoice whose escalation occurrence was sent gets nothing more;
    * otherwise, of the reminder occurrences due on or before ``today``, the latest one is
      sent unless its key is in ``sent_keys``; the older ones it supersedes are never sent.

    Occurrences are ordered by day, then by the step's sequence, so on a day when two
    steps fall, the later step in the policy wins (an escalation beats a reminder).
    """
    if invoice.payment_date is not None and invoice.payment_date <= today:
        for step in steps:
            if step.anchor == "payment_date":
                for occurrence in occurrences(step, invoice, today):
                    stale = (today - occurrence.day).days > late_thanks_days
                    if occurrence.key not in sent_keys and not stale:
                        return occurrence
        return None
    today_ordinal = today.toordinal()
    latest = None  # (day, sequence, repeat, step) of the last reminder firing, compared as a tuple
    escalated = False
    for step in steps:
        anchor = getattr(invoice, step.anchor)
        if step.anchor == "payment_date" or anchor is None:
            continue
        found = _latest(step, anchor.toordinal(), today_ordinal)
        if found is None:
            continue
        if step.escalation and sent_keys and (step.id, found[1]) in sent_keys:
            escalated = True
        candidate = (found[0], step.sequence, found[1], step)
        if latest is None or candidate[:3] > latest[:3]:
            latest = candidate
    if latest is None or escalated:
        return None
    day, _sequence, repeat, step = latest
    if (step.id, repeat) in sent_keys:
        return None
    return Occurrence(step, date.fromordinal(day), repeat)


def default_policy():
    """The scenario installed with the addon (issue: payments in, dunning out).

    SMS on the day the invoice is issued; 2 days before the due date; on the due date;
    2 days after it and then every 7 days while unpaid; a thank-you when paid; 3 weeks
    after the due date reminders stop and the case goes to collection.
    """
    return [
        Step(1, "invoice_date", 0, sequence=10),
        Step(2, "due_date", -2, sequence=20),
        Step(3, "due_date", 0, sequence=30),
        Step(4, "due_date", 2, repeat_every_days=7, repeat_until_days=20, sequence=40),
        Step(5, "due_date", 21, escalation=True, sequence=50),
        Step(6, "payment_date", 0, sequence=60),
    ]


# A reminder's delivery state from the status of its message's notification for the
# customer (mail.notification.notification_status, written by Odoo's mail queue, its
# bounce handling and its SMS tracker on the provider's answers and delivery reports).
# Mail does not tell sent from delivered (Odoo's own comment on 'pending'): a mail
# handed to the server is 'sent'; an SMS is 'delivered' once its delivery report says so.
NOTIFICATION_TO_DELIVERY_STATE = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "failed",
}
EMAIL_NOTIFICATION_TO_DELIVERY_STATE = dict(NOTIFICATION_TO_DELIVERY_STATE, sent="sent")

# Failures that sending again cannot cure (Odoo's failure types of mail.notification).
PERMANENT_FAILURES = frozenset(
    {
        "mail_bounce",
        "mail_email_invalid",
        "mail_email_missing",
        "sms_number_missing",
        "sms_number_format",
        "sms_country_not_supported",
        "sms_registration_needed",
        "sms_blacklist",
        "sms_duplicate",
        "sms_optout",
        "sms_invalid_destination",
        "sms_not_allowed",
        "sms_rejected",
    }
)


def delivery_state(notification_status, email=False):
    """The reminder's state for its notification's status (None: no notification)."""
    table = EMAIL_NOTIFICATION_TO_DELIVERY_STATE if email else NOTIFICATION_TO_DELIVERY_STATE
    return table.get(notification_status)


def may_retry(failure_type, attempts, retries):
    """Whether a failed reminder is sent again: the policy allows ``retries`` more
    attempts after the first, and sending again could work."""
    return attempts <= retries and failure_type not in PERMANENT_FAILURES
