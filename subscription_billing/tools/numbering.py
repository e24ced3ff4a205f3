"""A savepoint that gives back the journal numbers taken inside it when it is rolled back."""

from contextlib import contextmanager

SEQUENCE_CACHE = "sequence.mixin"


@contextmanager
def savepoint_keeping_numbers(cr):
    """``cr.savepoint()`` that also restores the transaction's journal numbering when rolled back.

    Odoo's ``sequence.mixin`` keeps, for the transaction, the last number it issued per
    journal sequence (``cr.precommit.data["sequence.mixin"]``). A savepoint rolled back
    after numbering leaves that entry ahead of the database: the next invoice or payment
    of the transaction would skip the numbers of the rolled back ones, a gap an auditor
    has to explain. This puts the entry back as it was before the savepoint.
    """
    cache = cr.precommit.data.setdefault(SEQUENCE_CACHE, {})
    before = dict(cache)
    try:
        with cr.savepoint():
            yield
    except BaseException:
        cache.clear()
        cache.update(before)
        raise
