import pytest
from addon_tools import tools

notice_days = tools("cert_issuance", "notice_days")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30,14,7,1", (30, 14, 7, 1)),
        (" 7 , 30;1,, 14 ", (30, 14, 7, 1)),
        ("14,14,0", (14, 0)),
    ],
)
def test_notice_days_parsed_largest_first(text, expected):
    assert notice_days.parse_notice_days(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one number"),
        ("30,two", '"two" is not a whole number'),
        ("-1", '"-1" is not a whole number'),
        ("4000", "more than ten years"),
    ],
)
def test_notice_days_rejects_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        notice_days.parse_notice_days(text)
