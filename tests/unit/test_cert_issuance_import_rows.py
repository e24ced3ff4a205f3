from datetime import date

import pytest
from addon_tools import tools

rows_mod = tools("cert_issuance", "import_rows")

MAPPING = {
    "partner_ref": "Registry",
    "partner_name": "Customer",
    "product": "Module",
    "license_key": "Key",
    "valid_from": "From",
    "valid_to": "To",
}


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_csv_any_delimiter(delimiter):
    text = delimiter.join(["Registry", "Customer", "Module", "Key", "From", "To"]) + "\n"
    text += delimiter.join(["10137319", "Acme", "Payroll", "K-1", "01.01.2026", "2026-12-31"]) + "\n"
    rows = rows_mod.read_csv(text.encode("utf-8-sig"))
    good, bad = rows_mod.parse_rows(rows, MAPPING)
    assert bad == []
    assert good == [
        (
            2,
            {
                "partner_ref": "10137319",
                "partner_name": "Acme",
                "product": "Payroll",
                "license_key": "K-1",
                "valid_from": date(2026, 1, 1),
                "valid_to": date(2026, 12, 31),
            },
        )
    ]


def test_cp1252_file_is_decoded():
    rows = rows_mod.read_csv("Customer;Key\nKöhler;K\n".encode("cp1252"))
    assert rows[1][0] == "Köhler"


def test_bad_rows_reported_by_line_and_duplicate_key():
    rows = [
        ["Registry", "Customer", "Module", "Key", "From", "To"],
        ["1", "A", "Payroll", "K-1", "2026-01-01", "2026-12-31"],
        ["", "", "Payroll", "K-2", "", "2026-12-31"],
        ["2", "B", "Payroll", "K-3", "", "31.02.2026"],
        ["3", "C", "Payroll", "K-1", "", "2026-12-31"],
        ["4", "D", "", "K-5", "2027-01-01", "2026-12-31"],
    ]
    good, bad = rows_mod.parse_rows(rows, MAPPING)
    assert [line for line, _values in good] == [2]
    errors = dict(bad)
    assert errors[3] == ["no customer registry code or name"]
    assert errors[4][0].startswith('valid_to: "31.02.2026" is not a date')
    assert errors[5] == ["license key K-1 repeats line 2"]
    assert errors[6] == ["product is empty", "valid_from is after valid_to"]


def test_mapping_by_column_number_and_spreadsheet_values():
    rows = [["a", "b", "c", "d"], [10137319.0, "Payroll", "K-9", date(2026, 5, 1)]]
    good, bad = rows_mod.parse_rows(rows, {"partner_ref": "1", "product": "2", "license_key": "3", "valid_to": "4"})
    assert bad == []
    assert good[0][1]["partner_ref"] == "10137319"
    assert good[0][1]["valid_to"] == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"license_key": "Nope", "product": "Module", "valid_to": "To", "partner_name": "Customer"}, '"Nope" is not'),
        ({"license_key": "9", "product": "Module", "valid_to": "To", "partner_name": "Customer"}, "column 9 does not"),
        ({"product": "Module", "valid_to": "To", "partner_name": "Customer"}, "no column for: license_key"),
        ({"license_key": "Key", "product": "Module", "valid_to": "To"}, "needs a customer column"),
        ({"colour": "Key"}, '"colour" is not an importable field'),
    ],
)
def test_bad_mappings(mapping, message):
    rows = [["Registry", "Customer", "Module", "Key", "From", "To"]]
    with pytest.raises(ValueError, match=message):
        rows_mod.parse_rows(rows, mapping)


def test_empty_file():
    with pytest.raises(ValueError, match="empty"):
        rows_mod.parse_rows([], MAPPING)
