import io

import openpyxl
import pytest
from addon_tools import tools

st = tools("telephony_bridge", "support_time")


@pytest.mark.parametrize(
    ("seconds", "rule", "expected"),
    [
        (430, (15, "up", 0, 0), 15.0),  # 7 min 10 s -> one quarter hour
        (900, (15, "up", 0, 0), 15.0),  # exactly 15 min stays 15
        (901, (15, "up", 0, 0), 30.0),
        (430, (5, "nearest", 0, 0), 5.0),
        (60, (15, "nearest", 0, 0), 15.0),  # at least one step
        (430, (0, "up", 0, 0), 7.17),  # no rounding step: exact minutes
        (430, (15, "none", 0, 0), 7.17),
        (25, (15, "up", 30, 0), 0.0),  # short call is free
        (95, (1, "up", 0, 5), 5.0),  # minimum charge
        (0, (15, "up", 0, 5), 0.0),
    ],
)
def test_charged_minutes(seconds, rule, expected):
    step, mode, free, minimum = rule
    assert st.charged_minutes(seconds, step, mode, free, minimum) == expected


def test_remaining_xlsx_lists_packages_and_totals():
    rows = [
        {"customer": "Bäckerei Schulz", "service": "Hotline", "bought": 10, "used": 9.5, "remaining": 0.5, "low": True},
        {
            "customer": "Kanzlei Meyer",
            "service": "Hotline",
            "bought": 5,
            "used": 1,
            "remaining": 4,
            "end": "2026-12-31",
        },
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(st.remaining_xlsx(rows))).active
    assert sheet["A3"].value == "Customer"
    assert [sheet.cell(4, c).value for c in range(1, 6)] == ["Bäckerei Schulz", "Hotline", 10, 9.5, 0.5]
    assert sheet["F5"].value == "2026-12-31"
    assert sheet["A6"].value == "Total"
    assert sheet["E6"].value == "=SUM(E4:E5)"
    assert sheet["E4"].font.bold
