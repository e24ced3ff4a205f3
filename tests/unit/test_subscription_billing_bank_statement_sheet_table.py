import csv
import io

from addon_tools import REPO, tools

sheet_table = tools("subscription_billing_bank_statement", "sheet_table")
encoding = tools("subscription_billing_bank_statement", "encoding")
FIXTURE = REPO / "subscription_billing_bank_statement" / "tests" / "fixtures" / "mbank_zestawienie.csv"


def _rows():
    return list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("cp1250")), delimiter=";"))


def test_mbank_fixture_is_windows_1250_with_crlf():
    data = FIXTURE.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert "ŁUKASZ WIŚNIEWSKI".encode("cp1250") in data
    # no declared encoding: the letters say Polish, never Cyrillic
    assert encoding.guess_encoding(data) == "windows-1250"


def test_mbank_header_found_below_the_preamble_and_footer_cut():
    rows = _rows()
    header, end = sheet_table.find_table(rows, "#Data księgowania", ["#Kwota"])
    assert rows[header][:3] == ["#Data księgowania", "#Data operacji", "#Opis operacji"]
    # the summary block above ("#Podsumowanie obrotów...") holds neither name
    assert header > 20
    data = [row for row in rows[header + 1 : end] if any(row)]
    assert [row[6] for row in data] == ["250,00", "-1 234,56", "100,00", "-5,00"]
    assert rows[end][6] == "#Saldo końcowe"


def test_debit_and_credit_columns_and_joined_names():
    rows = [
        ["Bank statement", "", ""],
        ["Date", "Details", "Debit", "Credit"],
        ["2026-11-04", "a", "", "10"],
        ["", "Total", "0", "10"],
    ]
    assert sheet_table.find_table(rows, "Date", ["Debit", "Credit"]) == (1, 3)
    assert sheet_table.find_table(rows, "Date", ["Debit,Credit"]) == (1, 3)


def test_no_header_found():
    assert sheet_table.find_table([["a", "b"], ["c"]], "Date", ["Amount"]) is None
