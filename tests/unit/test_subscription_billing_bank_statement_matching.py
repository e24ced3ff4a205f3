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
    assert matching.reference_key("INV/2026/00012") == matching.reference_key("inv 2026 12") == "INV202612"
    assert matching.reference_key("INV/2026/00012") != matching.reference_key("INV/2026/00021")


def test_letters_for_digits_only_next_to_digits():
    assert matching.reference_key("1O2I") == "1021"
    assert matching.reference_key("OLIVIA") == ""


@pytest.mark.parametrize(
    "text, key",
    [
        ("Оплата за інтернет, о/р SB 12, без ПДВ", "SB12"),
        ("оплата л/с 004512 за листопад", "4512"),
        ("Абонплата ос. рах. 77-031 Шевченко", "7731"),
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
    candidates = [
        ("SB-00012", ["SB12"], matching.name_key("Шевченко Олена")),
        ("SB-00021", ["SB21"], matching.name_key("Коваль Петро")),
        ("SB-00112", ["SB112"], matching.name_key("Бондар Ірина")),
    ]
    line_keys = matching.candidate_keys("оплата о/р SB 0013")
    ranked = matching.rank_suggestions(line_keys, matching.name_key("Від: Шевченко Олена"), candidates)
    assert ranked[0].target == "SB-00012"
    assert ranked[0].reason.startswith("name:") or ranked[0].reason.startswith("reference:")
    assert ranked[0].score > ranked[-1].score or len(ranked) == 1
