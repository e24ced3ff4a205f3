import datetime
from collections import Counter

from addon_tools import tools

story = tools("subscription_billing", "demo_story")

TODAY = datetime.date(2026, 12, 2)
DAY = datetime.timedelta(days=1)


def test_sixty_subscribers_in_two_groups_with_every_scenario():
    rows = story.subscribers(TODAY)
    assert len(rows) == 60
    assert Counter(row["group"] for row in rows) == {"residential": 48, "business": 12}
    assert Counter(row["scenario"] for row in rows) == dict(story.SCENARIOS)
    assert len({row["ref"] for row in rows}) == len({row["mobile"] for row in rows}) == 60
    assert all(row["mobile"].startswith("+380 ") for row in rows)


def test_history_of_six_months_spread_over_the_month():
    rows = story.subscribers(TODAY)
    starts = [row["date_start"] for row in rows]
    assert min(starts) >= TODAY - story.HISTORY_DAYS * DAY
    assert max(starts) < TODAY
    assert len({start.day for start in starts}) > 20, "not everything due on one day of the month"
    new = [row["date_start"] for row in rows if row["scenario"] == "new"]
    assert all(TODAY - start <= 30 * DAY for start in new)


def test_overdue_subscriber_anchor_invoice_is_unpaid_and_the_one_before_paid():
    # overdue 31-60: the invoice dated 60 days ago (due 45 days ago) is the oldest one left unpaid
    invoice = TODAY - 60 * DAY
    assert story.payment("overdue_31_60", invoice, invoice + 15 * DAY, TODAY) is None
    before = invoice - 30 * DAY
    day, share = story.payment("overdue_31_60", before, before + 15 * DAY, TODAY)
    assert share == 1.0
    assert before < day <= before + 9 * DAY, "paid on time, before the due date"


def test_late_payer_pays_after_the_due_date_but_before_suspension():
    invoice = TODAY - 90 * DAY
    due = invoice + 15 * DAY
    day, share = story.payment("late", invoice, due, TODAY)
    assert share == 1.0
    assert due < day < due + 14 * DAY


def test_comeback_pays_its_old_debt_on_one_day():
    invoice = TODAY - 140 * DAY
    assert story.payment("comeback", invoice, invoice + 15 * DAY, TODAY) == (TODAY - 80 * DAY, 1.0)


def test_partial_payer_pays_half_before_the_due_date():
    invoice = TODAY - 20 * DAY
    assert story.payment("partial", invoice, invoice + 15 * DAY, TODAY) == (invoice + 14 * DAY, 0.5)


def test_nothing_is_paid_in_the_future():
    invoice = TODAY - 2 * DAY
    assert story.payment("on_time", invoice, invoice + 15 * DAY, TODAY) is None


def test_transliteration_for_email_addresses():
    assert story.transliterate("Олійник") == "oliinyk"
    assert story.transliterate("Щербак'я") == "shcherbakia"
