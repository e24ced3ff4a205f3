import pytest
from addon_tools import tools

batching = tools("subscription_billing", "batching")


def test_every_subscription_lands_in_exactly_one_batch():
    rows = [(n, n // 3) for n in range(1, 1001)]
    batches = batching.partition(rows, 200)
    flat = [record_id for batch in batches for record_id in batch]
    assert sorted(flat) == list(range(1, 1001))
    assert len(flat) == len(set(flat))
    assert all(len(batch) <= 202 for batch in batches)


def test_a_customer_is_not_split_over_two_batches():
    rows = [(1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "b"), (6, "c")]
    assert batching.partition(rows, 2) == [[1, 2], [3, 4, 5], [6]]


def test_a_customer_larger_than_two_batches_is_split_after_all():
    rows = [(n, "big") for n in range(1, 8)]
    assert batching.partition(rows, 2) == [[1, 2, 3, 4], [5, 6, 7]]


def test_nothing_due_means_no_batch():
    assert batching.partition([], 200) == []
    with pytest.raises(ValueError, match="at least one"):
        batching.partition([(1, "a")], 0)
