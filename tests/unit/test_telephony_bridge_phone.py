import pytest
from addon_tools import tools

phone = tools("telephony_bridge", "phone")


@pytest.mark.parametrize(
    "raw",
    [
        "030 1234567",
        "030-1234567",
        "(030) 123 45 67",
        "030/1234567",
        "+49 30 1234567",
        "+49 (0)30 1234567",
        "0049 30 1234567",
        "+49-30-123-4567",
        "tel:+49301234567",
        "sip:+49301234567@pbx.example.com",
    ],
)
def test_same_number_in_every_form_gives_one_e164(raw):
    assert phone.to_e164(raw, "DE") == "+49301234567"


def test_default_country_decides_national_numbers():
    assert phone.to_e164("(202) 555-0143", "US") == "+12025550143"
    assert phone.to_e164("020 7946 0958", "GB") == "+442079460958"
    assert phone.to_e164("020 7946 0958", "gb") == "+442079460958"


def test_international_number_ignores_default_country():
    assert phone.to_e164("+44 20 7946 0958", "DE") == "+442079460958"


def test_national_number_without_country_is_malformed():
    number = phone.normalize("030 1234567", None)
    assert number.kind == phone.MALFORMED
    assert number.e164 is None


def test_double_zero_prefix_without_country_is_international():
    assert phone.to_e164("0044 20 7946 0958", None) == "+442079460958"


@pytest.mark.parametrize(
    "raw", [None, "", "  ", "anonymous", "Anonymous", "<unknown>", "RESTRICTED", "private", "0000"]
)
def test_withheld_numbers_are_anonymous(raw):
    number = phone.normalize(raw, "DE")
    assert number.kind == phone.ANONYMOUS
    assert number.e164 is None
    assert not number.is_valid


@pytest.mark.parametrize("raw", ["12", "abc", "+49 30 abc", "1-800-FLOWERS", "++4930", "9" * 80])
def test_garbage_is_malformed_without_error(raw):
    number = phone.normalize(raw, "DE")
    assert number.kind == phone.MALFORMED
    assert number.e164 is None


def test_valid_number_keeps_raw_text():
    number = phone.normalize(" 030 1234567 ", "DE")
    assert number.is_valid
    assert number.raw == "030 1234567"


@pytest.mark.parametrize(("region", "expected"), [("de", "DE"), ("DEU", None), ("", None), (None, None), ("1x", None)])
def test_clean_region(region, expected):
    assert phone.clean_region(region) == expected


@pytest.mark.parametrize(
    ("e164", "dial_format", "home", "exit_prefix", "expected"),
    [
        ("+49301234567", "e164", "DE", "00", "+49301234567"),
        ("+49301234567", "national", "DE", "00", "0301234567"),
        ("+491715550101", "national", "DE", "00", "01715550101"),
        ("+380441234567", "national", "UA", "00", "0441234567"),
        ("+74951234567", "national", "RU", "810", "84951234567"),
        ("+48221234567", "national", "PL", "00", "221234567"),  # Poland has no trunk prefix
        ("+972312345678", "national", "DE", "00", "00972312345678"),  # abroad: through the exit prefix
        ("+49301234567", "exit_prefix", "DE", "00", "0049301234567"),
        ("+14155550123", "exit_prefix", "IL", "014", "01414155550123"),
    ],
)
def test_dial_string(e164, dial_format, home, exit_prefix, expected):
    assert phone.dial_string(e164, dial_format, home, exit_prefix) == expected


def test_dial_string_refuses_what_it_cannot_dial():
    with pytest.raises(ValueError, match="unknown dial format"):
        phone.dial_string("+49301234567", "morse")
    with pytest.raises(ValueError, match=r"not an E\.164 number"):
        phone.dial_string("0301234567", "national", "DE")
