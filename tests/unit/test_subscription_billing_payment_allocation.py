from datetime import date

from addon_tools import tools

allocation = tools("subscription_billing", "payment_allocation")
Item = allocation.Item


def _payment(key, cents, day=date(2026, 3, 5)):
    return Item(key, day, -cents, -cents)


def _invoice(key, cents, due, residual=None):
    return Item(key, due, cents, cents if residual is None else residual)


def _partials(items):
    partials, residuals = allocation.allocate(items)
    return [(p.debit, p.credit, p.amount) for p in partials], residuals


def test_payment_settles_the_oldest_due_invoice_first():
    items = [_payment("p", 3100), _invoice("new", 3100, date(2026, 4, 1)), _invoice("old", 3100, date(2026, 3, 1))]
    partials, residuals = _partials(items)
    assert partials == [("old", "p", 3100)]
    assert residuals == {"p": 0, "new": 3100, "old": 0}


def test_partial_payment_leaves_the_rest_open():
    partials, residuals = _partials([_payment("p", 1000), _invoice("i", 3100, date(2026, 3, 1))])
    assert partials == [("i", "p", 1000)]
    assert residuals == {"p": 0, "i": 2100}


def test_payment_spanning_two_invoices_and_overpayment_stays_as_credit():
    items = [_payment("p", 8000), _invoice("a", 3100, date(2026, 3, 1)), _invoice("b", 3100, date(2026, 4, 1))]
    partials, residuals = _partials(items)
    assert partials == [("a", "p", 3100), ("b", "p", 3100)]
    assert residuals == {"p": -1800, "a": 0, "b": 0}


def test_two_payments_largest_first_on_the_same_day_like_odoo():
    # Odoo sorts the credit items by (maturity, amount_currency): -2000 before -500.
    items = [_payment("small", 500), _payment("big", 2000), _invoice("a", 1500, date(2026, 3, 1))]
    partials, residuals = _partials(items)
    assert partials == [("a", "big", 1500)]
    assert residuals == {"small": -500, "big": -500, "a": 0}


def test_partly_paid_invoice_uses_its_residual_and_equal_keys_keep_their_order():
    items = [
        _payment("p", 2000),
        _invoice("first", 1000, date(2026, 3, 1), residual=400),
        _invoice("second", 1000, date(2026, 3, 1)),
    ]
    partials, residuals = _partials(items)
    assert partials == [("first", "p", 400), ("second", "p", 1000)]
    assert residuals == {"p": -600, "first": 0, "second": 0}


def test_cents_round_trip():
    assert allocation.to_cents(31.1) == 3110
    assert allocation.to_cents(0.29) == 29
    assert allocation.from_cents(3110) == 31.1
