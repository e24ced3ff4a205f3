import pytest
from addon_tools import tools

matching = tools("subscription_billing_bank_statement", "matching")


@pytest.mark.parametrize(
    "typed",
    ["SB-00012", "SB 12", "sb0012", "SВ-00012", "SB-OO12", "SB/0012", "SB–00012".replace("–", "-")],
)
def test_contract_number_written_the_ways_people_write_it(typed):
    assert matching.reference_key(typed) == matching.reference_key("SB-00012") == "SB12"


def test_invoice_number_keeps_its_groups():
    assert matching.reference_key("INV/2026/00012") == matching.reference_key("inv 2026 00012") == "INV202600012"
    assert matching.reference_key("77-031") == matching.reference_key("77031") == "77031"
    assert matching.reference_key("INV/2026/00012") != matching.reference_key("INV/2026/00021")


def test_a_zero_dropped_inside_a_number_still_compares_equal():
    first, group = matching.reference_key("INV/2026/00012"), matching.group_key("INV/2026/00012")
    for typed in ("INV/2026/0012", "inv 2026 12", "INV-2026-012", "INV202600012", "ІNV/2026/00012"):
        text = f"Оплата рахунку {typed}"
        assert first in matching.candidate_keys(text) or group in matching.candidate_group_keys(text), typed
    for other in ("INV/2026/00021", "INV/2025/00012"):
        text = f"Оплата рахунку {other}"
        assert first not in matching.candidate_keys(text) and group not in matching.candidate_group_keys(text)
    # a contract typed without its dash keeps matching by its first form
    assert matching.reference_key("77-031") in matching.candidate_keys("ос. рах. 77031")


def test_a_bare_number_never_meets_a_contract_by_its_second_form():
    # contract 10-05: second form "105"; a flat number 105 written bare must not reach it
    assert matching.group_key("10-05") == "105"
    assert "105" not in matching.candidate_group_keys("Оплата за інтернет, кв. 105")
    assert "105" in matching.candidate_group_keys("Оплата за інтернет, договір 10-5")


def test_letters_for_digits_only_next_to_digits():
    assert matching.reference_key("1O2I") == "1021"
    assert matching.reference_key("OLIVIA") == ""


@pytest.mark.parametrize(
    "text, key",
    [
        ("Оплата за інтернет, о/р SB 12, без ПДВ", "SB12"),
        ("оплата л/с 004512 за листопад", "4512"),
        ("Абонплата ос. рах. 77-031 Шевченко", "77031"),
        ("Opłata abonamentowa umowa nr SB-0012 listopad", "SB12"),
        ("за послуги згідно договору № SB-00031", "SB31"),
    ],
)
def test_references_found_in_free_text(text, key):
    assert key in matching.candidate_keys(text)


def test_patterns_of_the_company_come_first():
    keys = matching.candidate_keys("pay 2026 K-771 thanks", patterns=[r"K-?(\d+)"])
    assert keys[0] == "771"


def test_tax_ids_and_ibans():
    assert matching.tax_ids("ЄДРПОУ 41234567, ІПН 3012345678") == ["41234567", "3012345678"]
    assert matching.tax_ids("NIP 526-104-08-28 PESEL 85010112345") == ["5261040828", "85010112345"]
    assert matching.tax_id_key("PL 526-104-08-28") == "5261040828"
    assert matching.ibans("z rachunku PL61 1090 1014 0000 0712 1981 2874") == ["PL61109010140000071219812874"]


@pytest.mark.parametrize(
    "bank_wrote, stored",
    [
        ("Від: ШЕВЧЕНКО ОЛЕНА ІВАНІВНА", "Шевченко Олена Іванівна"),
        ("Przelew od: Łukasz Wiśniewski", "Wiśniewski Łukasz"),
        ('ТОВ "Ґрунт-Агро"', "Ґрунт-Агро"),
        ("Шевченко Олена Iванiвна", "Шевченко Олена Іванівна"),  # Latin i typed for Ukrainian і
    ],
)
def test_names_compared_after_normalising(bank_wrote, stored):
    assert matching.name_key(bank_wrote) == matching.name_key(stored)


def test_polish_letters_are_not_folded_away():
    assert matching.name_key("Łukasz") != matching.name_key("Lukasz")


def test_ranked_suggestions_put_the_typo_first():
    nowak = matching.name_key("Adam Nowak")
    candidates = [
        ("SB-00016", ["SB16"], nowak),
        ("SB-00017", ["SB17"], nowak),
        ("SB-00012", ["SB12"], matching.name_key("Шевченко Олена")),
    ]
    line_keys = matching.candidate_keys("Opłata umowa SB-00061")
    ranked = matching.rank_suggestions(line_keys, matching.name_key("Przelew od: ADAM NOWAK"), candidates)
    # the stranger with a number two typos away is not suggested at all
    assert [s.target for s in ranked] == ["SB-00016", "SB-00017"]
    assert ranked[0].reason == "reference:SB61~SB16"
    assert ranked[0].score == pytest.approx(0.6 * 0.75 + 0.4)


def test_distance_counts_a_swap_as_one_typo():
    assert matching.distance("SB61", "SB16") == 1
    assert matching.distance("SB61", "SB17") == 2
    assert matching.similarity("3012345678", "3012345679") == pytest.approx(0.9)


encoding = tools("subscription_billing_bank_statement", "encoding")


@pytest.mark.parametrize(
    "text, codec",
    [
        ("Data operacji;Opis;Kwota\n2026-11-04;Przelew od Łukasz Wiśniewski, Gdańsk, zażółć;120,00\n", "windows-1250"),
        ("Дата;Опис;Сума\n04.11.2026;Оплата від Шевченко Олена Іванівна, о/р 12;450.50\n", "windows-1251"),
        ("Дата;Описание;Сумма\n04.11.2026;Оплата от Смирнов Пётр, л/с 12;450.50\n", "windows-1251"),
    ],
)
def test_1250_and_1251_never_confused(text, codec):
    data = text.encode(codec)
    assert encoding.guess_encoding(data) == codec
    assert encoding.guess_encoding(text.encode("utf-8")) == "utf-8"


def test_declared_encoding_wins_when_it_decodes():
    data = "Łódź".encode("cp1250")
    assert encoding.guess_encoding(data, "windows-1250") == "windows-1250"
    assert encoding.guess_encoding("Шевченко".encode("cp1251"), "utf-8") == "windows-1251"


def test_structured_creditor_reference_checked():
    # ISO 11649's own example: RF18 5390 0754 7034 carries the reference 539007547034
    assert matching.creditor_references("RF18 5390 0754 7034") == ["539007547034"]
    assert matching.creditor_references("RF19 5390 0754 7034") == []
    assert matching.candidate_keys("RF18539007547034")[0] == "539007547034"
