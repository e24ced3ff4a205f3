from addon_tools import tools

documents = tools("cert_issuance", "documents")


def test_ukrainian_hryvnias_decline_with_the_number():
    assert documents.amount_in_words(1200, "UAH", "uk_UA") == "Одна тисяча двісті гривень 00 копійок"
    assert documents.amount_in_words(1201.05, "UAH", "uk_UA") == "Одна тисяча двісті одна гривня 05 копійок"
    assert documents.amount_in_words(2.5, "UAH", "uk_UA") == "Дві гривні 50 копійок"


def test_polish_russian_and_hebrew():
    assert documents.amount_in_words(1201.05, "PLN", "pl_PL") == "Tysiąc dwieście jeden złotych 05 groszy"
    assert documents.amount_in_words(1201, "RUB", "ru_RU") == "Одна тысяча двести один рубль 00 копеек"
    assert documents.amount_in_words(1200, "ILS", "he_IL") == "אלף ומאתיים שקלים 00 אגורות"


def test_an_integer_amount_is_units_not_subunits():
    assert documents.amount_in_words(21, "UAH", "uk_UA") == "Двадцять одна гривня 00 копійок"


def test_rounding_to_subunits_half_up():
    assert documents.amount_in_words(10.005, "EUR", "en_US") == "Ten euro 01 cent"


def test_unknown_currency_or_language_falls_back():
    assert documents.amount_in_words(5, "XYZ", "uk_UA") is None
