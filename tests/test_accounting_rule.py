"""The accounting rule, checked on every addon: Odoo's accounting tables are written by Odoo only.

No INSERT, UPDATE or DELETE statement on ``account_move``, ``account_move_line``,
``account_payment``, ``account_partial_reconcile``, ``account_full_reconcile``,
``account_bank_statement(_line)`` or their relation tables (all named after them), no
write whose table cannot be read in the statement, and no context key that turns off
Odoo's own invoice computation. Invoices and payments are created with the ORM, posted
with ``action_post`` and reconciled with Odoo's reconciliation.
"""

import configparser
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SUITE = configparser.ConfigParser()
SUITE.read(REPO / "tests" / "odoo.suite")
ADDONS = SUITE["suite"]["addons"].split()

WRITE = r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?"
ACCOUNTING_WRITE = re.compile(
    WRITE + r"\\?[\"']?(account_(?:move|payment|partial_reconcile|full_reconcile|bank_statement)\w*)",
    re.IGNORECASE,
)
# A write whose table is filled in at run time cannot be checked: none is allowed.
DYNAMIC_WRITE = re.compile(WRITE + r"(%s|%\(\w+\)s|\{[^}]*\})", re.IGNORECASE)
# Context keys that make Odoo skip computing an invoice's lines or checking its balance.
BYPASS = re.compile(r"\b(skip_invoice_sync|check_move_validity|skip_account_move_synchronization)\b")


def violations(text):
    """(line number, what) of each break of the rule in a source text."""
    found = []
    for pattern, what in (
        (ACCOUNTING_WRITE, "SQL write on an accounting table"),
        (DYNAMIC_WRITE, "SQL write on a table named at run time"),
        (BYPASS, "context key that bypasses Odoo's invoice computation"),
    ):
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, f"{what}: {match.group(0).strip()}"))
    return sorted(found)


def addon_sources():
    for addon in ADDONS:
        for path in sorted((REPO / addon).rglob("*")):
            if path.suffix in (".py", ".sql", ".xml") and path.is_file():
                yield path


@pytest.mark.parametrize("addon", ADDONS)
def test_no_addon_writes_odoos_accounting_tables(addon):
    broken = [
        f"{path.relative_to(REPO)}:{line}: {what}"
        for path in addon_sources()
        if path.relative_to(REPO).parts[0] == addon
        for line, what in violations(path.read_text(encoding="utf-8"))
    ]
    assert broken == [], "Odoo's accounting tables are written through Odoo's API only:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    "source",
    [
        'cr.execute("UPDATE account_move SET amount_residual = 0 WHERE id = %s", [move_id])',
        "SQL('''\n    insert into account_partial_reconcile (debit_move_id) SELECT 1\n''')",
        'cr.execute("DELETE FROM account_move_line_account_tax_rel WHERE account_move_line_id = 3")',
        'SQL("UPDATE ONLY \\"account_payment\\" p SET is_reconciled = true")',
        'SQL("INSERT INTO %(table)s (id) VALUES (1)", table=SQL.identifier(name))',
        'SQL("INSERT INTO %s SELECT * FROM ref", SQL.identifier(table))',
        'f"UPDATE {table} SET name = 1"',
        "moves.with_context(skip_invoice_sync=True).action_post()",
        "Move.with_context(check_move_validity=False).create(vals)",
    ],
)
def test_the_rule_sees_each_kind_of_write(source):
    assert violations(source), source


@pytest.mark.parametrize(
    "source",
    [
        'cr.execute("SELECT id FROM account_move WHERE state = %s FOR UPDATE SKIP LOCKED", ["posted"])',
        'cr.execute("UPDATE subscription_payment_intake SET state = %s", ["done"])',
        'cr.execute("CREATE INDEX IF NOT EXISTS x ON account_move (name)")',
        'cr.execute("ANALYZE account_move")',
        '"""Update the SMS and its notifications from one delivery report."""',
    ],
)
def test_the_rule_lets_reads_indexes_and_our_own_tables_be(source):
    assert violations(source) == []
