import io
from datetime import date

import openpyxl
import pytest
from addon_tools import tools

xlsx_table = tools("subscription_billing", "xlsx_table")


def test_table_round_trips_through_excel():
    content = xlsx_table.write_table(
        "Debtors",
        [("Customer", "text", 30), ("Due", "date", 12), ("Owed", "money", 12), ("Days", "integer", 6)],
        [("Anna", date(2026, 3, 17), 31.5, 12), ("Boris", None, 0.0, 0)],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Debtors"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Customer", "Due", "Owed", "Days"]
    assert rows[1][0] == "Anna" and rows[1][1].date() == date(2026, 3, 17) and rows[1][2:] == [31.5, 12]
    assert rows[2] == ["Boris", None, 0, 0]
    assert sheet.freeze_panes == "A2"


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind 'percent'"):
        xlsx_table.write_table("x", [("Rate", "percent", 5)], [])
