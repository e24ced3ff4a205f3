"""Company registry codes (and tax ids) checked with python-stdnum, per country."""

import importlib

# stdnum modules that validate a company registry code, per ISO country code.
REGISTRY_MODULES = {
    "at": "at.businessid",
    "au": "au.acn",
    "be": "be.bis",
    "br": "br.cnpj",
    "by": "by.unp",
    "ch": "ch.uid",
    "de": "de.handelsregisternummer",
    "dk": "dk.cvr",
    "ee": "ee.registrikood",
    "es": "es.cif",
    "fi": "fi.ytunnus",
    "fr": "fr.siren",
    "lv": "lv.pvn",
    "no": "no.orgnr",
    "pl": "pl.regon",
    "ro": "ro.onrc",
    "se": "se.orgnr",
    "ua": "ua.edrpou",
}


class RegistryCodeError(ValueError):
    """The code is not a valid company registry code of the country."""


def registry_module(country_code):
    """The stdnum module for ``country_code`` or None when none is known."""
    name = REGISTRY_MODULES.get((country_code or "").lower())
    if not name:
        return None
    try:
        return importlib.import_module(f"stdnum.{name}")
    except ImportError:
        return None


def normalize_registry_code(code):
    """The code without spaces, dots and dashes, upper case."""
    return "".join(ch for ch in (code or "") if ch not in " .-/").upper()


def validate_registry_code(code, country_code):
    """Return the compact form of ``code``; raise RegistryCodeError when it is invalid.

    Countries without a known stdnum module only get the code normalized.
    """
    if not code or not code.strip():
        raise RegistryCodeError("the company registry code is empty")
    module = registry_module(country_code)
    if module is None:
        return normalize_registry_code(code)
    try:
        return module.validate(code)
    except Exception as error:
        raise RegistryCodeError(
            f'"{code}" is not a valid company registry code for {country_code.upper()}: {error}'
        ) from error
