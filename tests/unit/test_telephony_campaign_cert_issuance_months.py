from datetime import date

import pytest
from addon_tools import tools

months = tools("telephony_campaign_cert_issuance", "months")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 10), (date(2025, 3, 1), date(2025, 3, 31))),
        (date(2025, 4, 1), (date(2025, 4, 1), date(2025, 4, 30))),
        (date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 29))),  # leap year
        (date(2025, 2, 14), (date(2025, 2, 1), date(2025, 2, 28))),
        (date(2025, 12, 31), (date(2025, 12, 1), date(2025, 12, 31))),
    ],
)
def test_month_bounds(day, expected):
    assert months.month_bounds(day) == expected
