from datetime import datetime, timedelta

import pytest
from addon_tools import tools

rules = tools("telephony_campaign", "queue_rules")
contact_list = tools("telephony_campaign", "contact_list")

NOW = datetime(2026, 3, 2, 10, 0)  # a Monday
WEEK = {"mon", "tue", "wed", "thu", "fri"}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 2, 9, 0), True),  # Monday, opening minute
        (datetime(2026, 3, 2, 8, 59, 59), False),
        (datetime(2026, 3, 2, 17, 59), True),
        (datetime(2026, 3, 2, 18, 0), False),  # the closing hour is excluded
        (datetime(2026, 3, 7, 10, 0), False),  # Saturday
    ],
)
def test_within_hours(moment, expected):
    assert rules.within_hours(moment, 9.0, 18.0, WEEK) is expected


def test_half_hours():
    assert rules.within_hours(datetime(2026, 3, 2, 9, 29), 9.5, 17.0, WEEK) is False
    assert rules.within_hours(datetime(2026, 3, 2, 9, 30), 9.5, 17.0, WEEK) is True
    assert (rules.format_hour(9.5), rules.format_hour(17.0), rules.format_hour(8.25)) == ("09:30", "17:00", "08:15")


def test_no_answer_comes_back_after_the_delay_until_the_tries_are_used():
    first = rules.after_outcome("no_answer", NOW, 0, 3, 60)
    assert first == {"state": "pending", "next_try": NOW + timedelta(hours=1), "no_answer_count": 1}
    second = rules.after_outcome("busy", NOW, 1, 3, 30)
    assert second == {"state": "pending", "next_try": NOW + timedelta(minutes=30), "no_answer_count": 2}
    third = rules.after_outcome("no_answer", NOW, 2, 3, 60)
    assert third == {"state": "failed", "next_try": None, "no_answer_count": 3}


def test_call_back_waits_for_its_time():
    later = NOW + timedelta(hours=3)
    assert rules.after_outcome("call_back", NOW, 1, 3, 60, callback_at=later) == {
        "state": "pending",
        "next_try": later,
        "no_answer_count": 1,
    }
    with pytest.raises(ValueError):
        rules.after_outcome("call_back", NOW, 0, 3, 60, callback_at=NOW)


@pytest.mark.parametrize(
    ("outcome", "state"),
    [("reached", "done"), ("promise", "done"), ("not_interested", "done"), ("wrong_number", "failed")],
)
def test_final_outcomes(outcome, state):
    assert rules.after_outcome(outcome, NOW, 1, 3, 60) == {"state": state, "next_try": None, "no_answer_count": 1}
    assert (outcome in rules.REACHED) is (outcome != "wrong_number")


def test_read_a_list_with_semicolons_and_problems():
    text = "Ім'я;Телефон\nОлена Коваль;+380 44 123 4567\n;0441234567\nІван;\n\nПетро;+380 44 123 4567\n"
    rows, problems = contact_list.read_rows(text)
    assert rows == [(2, "Олена Коваль", "+380 44 123 4567")]
    assert problems == [(3, "no_name"), (4, "no_phone"), (6, "duplicate")]


def test_a_list_needs_its_header():
    assert contact_list.read_rows("who,number\nA,1\n") == ([], [(1, "no_header")])
    assert contact_list.read_rows("") == ([], [(1, "no_header")])


def test_decode_utf8_bom_and_windows_1251():
    assert contact_list.decode("\ufeffname,phone\n".encode()) == "name,phone\n"
    assert contact_list.decode("Имя,Телефон\n".encode("cp1251")) == "Имя,Телефон\n"
