from datetime import date, timedelta

import pytest
from addon_tools import tools

dunning = tools("subscription_billing", "dunning")

ISSUED, DUE = date(2026, 11, 2), date(2026, 11, 16)


def play(payment_date=None, first=ISSUED, last=date(2026, 12, 31), skip_days=(), runs_per_day=1):
    """Run the default policy daily like the cron; return {day: step id and repeat sent}."""
    steps = dunning.default_policy()
    sent, log = set(), {}
    day = first
    while day <= last:
        if day not in skip_days:
            invoice = dunning.InvoiceDates(ISSUED, DUE, payment_date if payment_date and payment_date <= day else None)
            for _run in range(runs_per_day):
                occurrence = dunning.due_occurrence(steps, invoice, day, sent)
                if occurrence:
                    assert day not in log, f"two messages on {day}"
                    sent.add(occurrence.key)
                    log[day] = occurrence.key
        day += timedelta(days=1)
    return log


def test_never_paid_invoice_gets_every_reminder_then_collection():
    assert play() == {
        date(2026, 11, 2): (1, 0),  # on the day of issue
        date(2026, 11, 14): (2, 0),  # 2 days before the due date
        date(2026, 11, 16): (3, 0),  # on the due date
        date(2026, 11, 18): (4, 0),  # 2 days after
        date(2026, 11, 25): (4, 1),  # then every 7 days while unpaid
        date(2026, 12, 2): (4, 2),
        date(2026, 12, 7): (5, 0),  # 3 weeks after the due date: collection, then silence
    }


def test_invoice_paid_late_gets_a_thank_you_and_nothing_after():
    assert play(payment_date=date(2026, 11, 21)) == {
        date(2026, 11, 2): (1, 0),
        date(2026, 11, 14): (2, 0),
        date(2026, 11, 16): (3, 0),
        date(2026, 11, 18): (4, 0),
        date(2026, 11, 21): (6, 0),
    }


def test_invoice_paid_on_time_gets_only_the_issue_message_and_thanks():
    assert play(payment_date=date(2026, 11, 10)) == {date(2026, 11, 2): (1, 0), date(2026, 11, 10): (6, 0)}


def test_old_payments_are_not_thanked_for():
    steps = dunning.default_policy()
    paid_long_ago = dunning.InvoiceDates(ISSUED, DUE, date(2026, 11, 3))
    assert dunning.due_occurrence(steps, paid_long_ago, date(2026, 11, 10)) is not None
    assert dunning.due_occurrence(steps, paid_long_ago, date(2026, 11, 11)) is None


def test_running_twice_a_day_sends_nothing_twice():
    assert play(runs_per_day=2) == play()


def test_after_downtime_only_the_latest_due_step_is_sent():
    down = {date(2026, 11, 12) + timedelta(days=n) for n in range(8)}  # 12 to 19 November
    log = play(skip_days=down)
    assert log[date(2026, 11, 20)] == (4, 0)  # not the 14th's nor the 16th's reminders
    assert date(2026, 11, 14) not in log and date(2026, 11, 16) not in log
    assert log[date(2026, 11, 25)] == (4, 1)


def test_downtime_over_the_escalation_day_still_escalates():
    log = play(first=date(2026, 12, 10))
    assert log == {date(2026, 12, 10): (5, 0)}


@pytest.mark.parametrize("offset", [-3, 0, 2])
@pytest.mark.parametrize("every", [0, 1, 7, 30])
def test_latest_occurrence_is_the_last_enumerated_one(offset, every):
    step = dunning.Step(9, "due_date", offset, repeat_every_days=every, repeat_until_days=40 if every else 0)
    invoice = dunning.InvoiceDates(ISSUED, DUE)
    for days in range(-10, 60):
        until = DUE + timedelta(days=days)
        listed = dunning.occurrences(step, invoice, until)
        assert dunning.latest_occurrence(step, invoice, until) == (listed[-1] if listed else None), until


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"anchor": "tomorrow"}, "unknown anchor"),
        ({"anchor": "due_date", "repeat_every_days": -1}, "negative"),
        ({"anchor": "due_date", "offset_days": 5, "repeat_every_days": 7, "repeat_until_days": 2}, "at or after"),
        ({"anchor": "payment_date", "escalation": True}, "sent once"),
    ],
)
def test_bad_steps_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dunning.Step(1, **kwargs)


@pytest.mark.parametrize(
    ("status", "email", "expected"),
    [
        ("ready", False, "queued"),
        ("process", False, "queued"),
        ("pending", False, "sent"),  # accepted by the SMS provider
        ("sent", False, "delivered"),  # the provider's delivery report
        ("sent", True, "sent"),  # a mail server does not report delivery
        ("exception", False, "failed"),
        ("bounce", True, "failed"),
        ("canceled", False, "failed"),
        (False, False, None),  # no notification: the state written when sending stays
    ],
)
def test_delivery_state_of_a_notification(status, email, expected):
    assert dunning.delivery_state(status, email=email) == expected


def test_may_retry_only_curable_failures_within_the_policys_retries():
    assert dunning.may_retry("sms_server", attempts=1, retries=1)
    assert not dunning.may_retry("sms_server", attempts=2, retries=1)
    assert not dunning.may_retry("sms_server", attempts=1, retries=0)
    assert not dunning.may_retry("sms_invalid_destination", attempts=1, retries=3)
    assert not dunning.may_retry("sms_blacklist", attempts=1, retries=3)
    assert dunning.may_retry("unknown", attempts=1, retries=3)
