from datetime import date

import pytest
from addon_tools import tools

autopay = tools("subscription_billing_portal", "autopay")


def test_retry_days_are_parsed_from_the_policy_text():
    assert autopay.parse_retry_days("1,3,7") == [1, 3, 7]
    assert autopay.parse_retry_days(" 2 ; 5 ") == [2, 5]
    assert autopay.parse_retry_days("") == []


@pytest.mark.parametrize("text", ["1,x", "0,3", "3,1", "1,1", "-1"])
def test_bad_retry_days_are_refused(text):
    with pytest.raises(ValueError):
        autopay.parse_retry_days(text)


def test_attempts_fall_on_the_retry_days_then_stop():
    first = date(2026, 3, 1)
    days = [1, 3, 7]
    planned = [autopay.next_attempt_date(first, made, days) for made in range(5)]
    assert planned == [first, date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 8), None]


def test_no_retry_schedule_means_one_attempt():
    assert autopay.next_attempt_date(date(2026, 3, 1), 1, []) is None


def test_reference_is_the_same_for_the_same_invoice_and_attempt():
    assert autopay.reference("INV/2026/00042", 2) == "INV/2026/00042-AUTO2"
    assert autopay.reference("INV/2026/00042", 2) == autopay.reference("INV/2026/00042", 2)
    assert autopay.reference("INV/2026/00042", 1) != autopay.reference("INV/2026/00042", 2)


def test_parse_reference_reads_invoice_and_attempt():
    assert autopay.parse_reference(autopay.reference("INV/2025/00012", 2)) == ("INV/2025/00012", 2)
    assert autopay.parse_reference("INV/2025/00012-AUTO10") == ("INV/2025/00012", 10)
    for other in ("INV/2025/00012", "INV/2025/00012-AUTO0", "INV/2025/00012-AUTOx", "", None):
        assert autopay.parse_reference(other) is None
