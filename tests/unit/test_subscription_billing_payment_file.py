import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from addon_tools import tools

payment_file = tools("subscription_billing", "payment_file")

BANK = payment_file.Mapping(
    columns={"contract": "Contract", "amount": "Sum", "date": "Date", "payer_name": "Payer", "transaction_id": "Txn"}
)


def test_semicolon_csv_in_windows_1251_with_decimal_comma():
    text = (
        "Contract;Sum;Date;Payer;Txn\nSB-00012;1 250,50;05.11.2026;Иванов Иван;T1\nSB-00013;99,9;06.11.2026;Пётр;T2\n"
    )
    rows, errors = payment_file.parse_payments(text.encode("cp1251"), "bank.csv", BANK)
    assert errors == []
    assert [(r.line, r.values["contract"], r.amount, r.date) for r in rows] == [
        (2, "SB-00012", Decimal("1250.50"), date(2026, 11, 5)),
        (3, "SB-00013", Decimal("99.9"), date(2026, 11, 6)),
    ]
    assert rows[0].values["payer_name"] == "Иванов Иван"


def test_utf8_bom_comma_csv_with_decimal_point_and_thousands():
    text = '\ufeffContract,Sum,Date,Payer,Txn\nSB-1,"1,234.50",2026-11-05,Anna,T9\n'
    rows, errors = payment_file.parse_payments(text.encode("utf-8"), "export.csv", BANK)
    assert errors == [] and rows[0].amount == Decimal("1234.50")


def test_tab_delimited_without_header_by_position():
    mapping = payment_file.Mapping(columns={"phone": 1, "amount": 2, "date": 3}, has_header=False)
    rows, errors = payment_file.parse_payments(b"+359888123456\t20.00\t22/11/2026\n", "t.txt", mapping)
    assert errors == []
    assert (rows[0].values, rows[0].amount, rows[0].date) == (
        {"phone": "+359888123456"},
        Decimal("20.00"),
        date(2026, 11, 22),
    )


def test_each_bad_row_is_named_with_its_line_and_reason():
    text = (
        "Contract;Sum;Date;Payer;Txn\n"
        "SB-1;10,00;05.11.2026;A;T1\n"
        "SB-2;ten;05.11.2026;B;T2\n"
        "SB-3;-5;05.11.2026;C;T3\n"
        "SB-4;5;31.02.2026;D;T4\n"
        ";5;05.11.2026;;T5\n"
        "SB-6;7;05.11.2026;F;T1\n"
    )
    rows, errors = payment_file.parse_payments(text.encode(), "bank.csv", BANK)
    assert [r.line for r in rows] == [2]
    assert [(e.line, e.reason) for e in errors] == [
        (3, "'ten' is not an amount"),
        (4, "the amount -5 is not positive"),
        (5, "'31.02.2026' is not a date (expected e.g. 2026-11-22 or 22.11.2026)"),
        (6, "no contract number, invoice, reference, phone or payer name"),
        (7, "transaction T1 repeats line 2"),
    ]


def test_xlsx_with_numeric_cells():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Contract", "Sum", "Date", "Payer", "Txn"])
    sheet.write_row(1, 0, [12345, 42.5, "2026-11-07", "Maria", "X-1"])
    book.close()
    rows, errors = payment_file.parse_payments(buffer.getvalue(), "terminal.xlsx", BANK)
    assert errors == []
    assert (rows[0].values["contract"], rows[0].amount, rows[0].date) == ("12345", Decimal("42.5"), date(2026, 11, 7))


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Account;Sum;Date\n1;2;2026-01-01\n", "bank.csv", "no column 'Contract'"),
        (b"", "bank.csv", "the file is empty"),
        (b"Contract;Sum;Date;Payer;Txn\n", "bank.csv", "no payment rows"),
        (b"not a workbook", "bank.xlsx", "not a readable XLSX"),
    ],
)
def test_unusable_files_are_refused_whole(content, filename, message):
    with pytest.raises(ValueError, match=message):
        payment_file.parse_payments(content, filename, BANK)


@pytest.mark.parametrize(
    ("value", "decimal", "expected"),
    [
        ("1 234,56", None, "1234.56"),
        ("1.234,56", None, "1234.56"),
        ("1,234", None, "1234"),
        ("1,234", "comma", "1.234"),
    ],
)
def test_amount_formats(value, decimal, expected):
    assert payment_file.parse_amount(value, decimal) == Decimal(expected)


def test_mapping_needs_amount_date_and_an_identifier():
    with pytest.raises(ValueError, match="which column holds the date"):
        payment_file.Mapping(columns={"contract": 1, "amount": 2})
    with pytest.raises(ValueError, match="identifies the payer"):
        payment_file.Mapping(columns={"amount": 1, "date": 2})


def test_row_keys_say_the_same_payment_again_without_transaction_ids():
    content = (
        b"Contract;Sum;Date;Payer;Txn\n"
        b"C-1;100.00;2026-03-02;Olena;\n"
        b"C-2;50.00;2026-03-02;Petro;\n"
        b"C-1;100.00;2026-03-02;Olena;\n"  # the same payer paid the same amount twice that day
        b"C-3;70.00;2026-03-02;Ivan;B-77\n"
    )
    rows, errors = payment_file.parse_payments(content, "bank.csv", BANK)
    assert errors == []
    keys = payment_file.row_keys(rows)
    assert keys[3] == "tx:B-77"
    assert keys[0] != keys[2], "two equal payments of one file are two payments"
    assert keys[0].rsplit(":", 1)[0] == keys[2].rsplit(":", 1)[0]
    assert (keys[0][-2:], keys[2][-2:]) == (":0", ":1")
    assert len(set(keys)) == 4
    # The same file read again gives the same keys; another amount gives another key.
    assert payment_file.row_keys(payment_file.parse_payments(content, "bank.csv", BANK)[0]) == keys
    other = content.replace(b"C-2;50.00", b"C-2;50.01")
    assert payment_file.row_keys(payment_file.parse_payments(other, "bank.csv", BANK)[0])[1] != keys[1]


def test_file_hash_is_the_same_for_the_same_bytes_only():
    assert payment_file.file_hash(b"a;b\n") == payment_file.file_hash(b"a;b\n")
    assert payment_file.file_hash(b"a;b\n") != payment_file.file_hash(b"a;b\r\n")
