"""The savepoint that keeps journal numbering without gaps when a block is rolled back."""

from contextlib import contextmanager

import pytest
from addon_tools import tools

numbering = tools("subscription_billing", "numbering")


class Precommit:
    def __init__(self):
        self.data = {}


class FakeCursor:
    """What the helper uses of Odoo's cursor: ``precommit.data`` and ``savepoint()``."""

    def __init__(self):
        self.precommit = Precommit()
        self.events = []

    @contextmanager
    def savepoint(self):
        self.events.append("savepoint")
        try:
            yield
        except Exception:
            self.events.append("rollback")
            raise
        self.events.append("release")


def test_numbers_taken_in_a_rolled_back_block_are_given_back():
    cr = FakeCursor()
    cr.precommit.data["sequence.mixin"] = {("INV/2026/000000", 1): 41}
    with pytest.raises(ValueError), numbering.savepoint_keeping_numbers(cr):
        cache = cr.precommit.data["sequence.mixin"]
        cache[("INV/2026/000000", 1)] = 45  # four invoices numbered, then the batch fails
        cache[("PBNK1/2026/00000", 2)] = 7
        raise ValueError("posting failed")
    assert cr.precommit.data["sequence.mixin"] == {("INV/2026/000000", 1): 41}
    assert cr.events == ["savepoint", "rollback"]


def test_numbers_of_a_released_block_stay_taken():
    cr = FakeCursor()
    with numbering.savepoint_keeping_numbers(cr):
        cr.precommit.data["sequence.mixin"][("INV/2026/000000", 1)] = 3
    assert cr.precommit.data["sequence.mixin"] == {("INV/2026/000000", 1): 3}
    assert cr.events == ["savepoint", "release"]
