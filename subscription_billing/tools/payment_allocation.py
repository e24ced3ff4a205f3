"""Spread payments over open invoices the way Odoo's reconciliation plan does, in one currency.

Odoo's ``account.move.line._reconcile_plan`` takes the journal items of one group (a
subscription's new payments and its open invoices), sorts them by due date (then by
amount), and walks the debit items (invoices) and the credit items (payments) side by
side: each step settles ``min(debit left, credit left)`` and moves on from the item that
is used up. :func:`allocate` does the same on plain numbers, so the bulk payment import can
write the partial reconciliations itself and still end with Odoo's result.

Amounts are integers in the currency's smallest unit (cents), signed like Odoo's balances:
debit items positive, credit items negative. Nothing here imports Odoo.
"""

from dataclasses import dataclass


@dataclass
class Item:
    """One journal item of a group, in the order Odoo's recordset holds it."""

    key: object  # the journal item's id
    maturity: object  # date_maturity, or the accounting date when the item has none
    amount: int  # amount_currency in cents (sorting key, as in Odoo)
    residual: int  # amount_residual in cents before this reconciliation


@dataclass
class Partial:
    debit: object
    credit: object
    amount: int  # always positive


def to_cents(amount, digits=2):
    """``amount`` (a float as Odoo stores it) in the smallest unit of a currency with ``digits`` decimals."""
    return round(amount * 10**digits)


def from_cents(cents, digits=2):
    return round(cents / 10**digits, digits)


def odoo_order(items):
    """The items sorted like ``_optimize_reconciliation_plan`` sorts a group (stable on the given order)."""
    return sorted(items, key=lambda item: (item.maturity, item.amount))


def allocate(items):
    """Partials that settle the group ``items``, and the residual of each item afterwards.

    ``items`` are in the order of Odoo's recordset (payments first, then the invoices as
    ``search`` returns them); items with nothing left are skipped, as Odoo skips them.
    Returns ``(partials, residuals)``, ``residuals`` a dict key -> cents.
    """
    ordered = odoo_order(items)
    debits = iter([i for i in ordered if i.amount > 0])
    credits = iter([i for i in ordered if i.amount < 0])
    residuals = {item.key: item.residual for item in items}
    partials = []
    debit = credit = None
    while True:
        if debit is None:
            debit = next(debits, None)
            if debit is None:
                break
        if credit is None:
            credit = next(credits, None)
            if credit is None:
                break
        debit_left, credit_left = residuals[debit.key], -residuals[credit.key]
        if debit_left <= 0 or credit_left <= 0:
            # Nothing left on one side (Odoo: no residual in the reconciliation currency).
            debit = None if debit_left <= 0 else debit
            credit = None if credit_left <= 0 else credit
            continue
        amount = min(debit_left, credit_left)
        partials.append(Partial(debit.key, credit.key, amount))
        residuals[debit.key] -= amount
        residuals[credit.key] += amount
        if not residuals[debit.key]:
            debit = None
        if not residuals[credit.key]:
            credit = None
    return partials, residuals
