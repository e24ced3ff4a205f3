import pytest
from addon_tools import tools

registry = tools("cert_issuance", "registry_code")


def test_valid_codes_are_compacted():
    assert registry.validate_registry_code("10137319", "EE") == "10137319"
    assert registry.validate_registry_code("404 833 048", "fr") == "404833048"


def test_invalid_code_names_country_and_value():
    with pytest.raises(registry.RegistryCodeError, match='"10137318" is not a valid company registry code for EE'):
        registry.validate_registry_code("10137318", "ee")


def test_unknown_country_only_normalizes():
    assert registry.validate_registry_code(" 12.345-67 ", "xx") == "1234567"
    assert registry.validate_registry_code("abc 1", None) == "ABC1"


def test_empty_code_rejected():
    with pytest.raises(registry.RegistryCodeError, match="empty"):
        registry.validate_registry_code("  ", "ee")
