from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from addon_tools import REPO, tools

onec = tools("subscription_billing_bank_statement", "onec_exchange")
FIXTURE = REPO / "subscription_billing_bank_statement" / "tests" / "fixtures" / "onec_exchange_uk.txt"


def test_fixture_is_windows_1251_with_crlf():
    data = Path(FIXTURE).read_bytes()
    assert b"\r\n" in data and b"\n\n" not in data.replace(b"\r\n", b"")
    assert "Шевченко".encode("cp1251") in data


def test_statement_balances_and_documents_in_cyrillic():
    header, statements = onec.parse(FIXTURE.read_bytes())
    assert header["ВерсияФормата"] == "1.03"
    [stmt] = statements
    assert stmt.account == "UA213223130000026007233566001"
    assert (stmt.balance_start, stmt.balance_end) == (Decimal("1000.00"), Decimal("2135.50"))
    first, second, fee = stmt.documents
    assert first.partner_name == "Шевченко Олена Іванівна"
    assert first.partner_tax_id == "3012345678"
    assert first.partner_account == "UA903052992990004149123456789"
    assert first.purpose == "Оплата за інтернет, о/р SB 12, без ПДВ"
    assert (first.amount, first.date) == (Decimal("450.50"), date(2026, 11, 4))
    assert second.partner_name == 'ТОВ "Ґрунт-Агро"'
    # money out: the receiver is the other side, the amount negative
    assert fee.amount == Decimal("-215.00")
    assert fee.partner_name == 'ПАТ "Укртелеком"'
    assert stmt.balance_start + sum(d.amount for d in stmt.documents) == stmt.balance_end


def test_unique_ids_are_stable_and_distinct():
    _h, [stmt] = onec.parse(FIXTURE.read_bytes())
    _h, [again] = onec.parse(FIXTURE.read_bytes())
    ids = [d.unique_id for d in stmt.documents]
    assert ids == [d.unique_id for d in again.documents]
    assert len(set(ids)) == 3


def test_two_identical_documents_stay_two_lines():
    data = FIXTURE.read_bytes()
    start = data.index("СекцияДокумент".encode("cp1251"))
    end = data.index("КонецДокумента\r\n".encode("cp1251")) + len("КонецДокумента\r\n")
    doubled = data[:end] + data[start:end] + data[end:]
    _h, [stmt] = onec.parse(doubled)
    assert len({d.unique_id for d in stmt.documents}) == 4


def test_utf8_and_cp866_files_are_read_too():
    text = FIXTURE.read_bytes().decode("cp1251")
    _h, [stmt] = onec.parse(text.encode("utf-8"))
    assert stmt.documents[0].partner_name == "Шевченко Олена Іванівна"
    dos = text.replace("Кодировка=Windows", "Кодировка=DOS").replace("Ґ", "Г").replace("Є", "Е").replace("Ї", "I")
    _h, [stmt] = onec.parse(dos.encode("cp866", errors="replace"))
    assert stmt.documents[0].partner_name.startswith("Шевченко")


@pytest.mark.parametrize(
    "broken, message",
    [
        (b"\xca\xee\xed\xe5\xf6\xc4\xee\xea\xf3\xec\xe5\xed\xf2\xe0\r\n", "not closed"),  # КонецДокумента removed
        ("Сумма=450.50".encode("cp1251"), "amount"),
    ],
)
def test_broken_files_say_which_line(broken, message):
    data = FIXTURE.read_bytes()
    if message == "amount":
        data = data.replace(broken, "Сумма=45O,5x".encode("cp1251"), 1)
    else:
        data = data[: data.rindex(broken)] + data[data.rindex(broken) + len(broken) :]
    with pytest.raises(onec.OneCFormatError, match=message):
        onec.parse(data)


def test_other_files_are_not_1c():
    assert not onec.is_onec(b"<?xml version='1.0'?><Document/>")
    with pytest.raises(onec.OneCFormatError):
        onec.parse(b"Date;Amount\r\n")
