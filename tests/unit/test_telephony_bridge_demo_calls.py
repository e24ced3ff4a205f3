import datetime
from collections import Counter

from addon_tools import tools

demo_calls = tools("telephony_bridge", "demo_calls")

NOW = datetime.datetime(2026, 12, 2, 14, 0)  # 16:00 in Kyiv


def test_a_few_hundred_calls_over_three_weeks_before_now():
    calls = demo_calls.plan(NOW, 20, 4)
    assert 250 <= len(calls) <= 350
    assert all(call["start"] < NOW for call in calls)
    assert min(call["start"] for call in calls) >= NOW - datetime.timedelta(days=21)
    states = Counter(call["state"] for call in calls)
    assert states["answered"] > states["missed"] > 0
    assert states["busy"] > 0


def test_office_hours_in_kyiv():
    # 09:00-18:30 in Kyiv is 07:00-16:30 UTC in winter
    for call in demo_calls.plan(NOW, 20, 4):
        if call["callback_of"] is None:
            assert datetime.time(7, 0) <= call["start"].time() <= datetime.time(16, 30)


def test_old_missed_calls_of_customers_are_called_back_recent_ones_wait():
    calls = demo_calls.plan(NOW, 20, 4)
    called_back = {call["callback_of"] for call in calls if call["callback_of"] is not None}
    for index, call in enumerate(calls):
        if call["state"] != "missed" or call["customer"] is None:
            continue
        age = NOW - call["start"]
        if age > datetime.timedelta(days=3):
            assert index in called_back
        elif age < datetime.timedelta(days=1):
            assert index not in called_back
    for index in called_back:
        callback = next(call for call in calls if call["callback_of"] == index)
        assert (callback["direction"], callback["state"]) == ("outbound", "answered")
        assert callback["start"] > calls[index]["start"]


def test_one_transfer_between_two_agents():
    transfers = [call for call in demo_calls.plan(NOW, 20, 4) if call["transfer_to"] is not None]
    assert len(transfers) == 1
    assert transfers[0]["state"] == "answered"
    assert transfers[0]["transfer_to"] != transfers[0]["agent"]
