"""Every user-facing string of each addon is translated into uk, ru, pl and he, and each catalogue compiles.

The template ``<addon>/i18n/<addon>.pot`` is Odoo's own export of the addon
(``odoo-bin --i18n-export``); each language's ``.po`` must give every one of its
strings a translation that keeps its placeholders, and pass ``msgfmt --check``.
"""

import re
import shutil
import subprocess

import pytest
from test_repository import ADDONS, REPO

LANGUAGES = ("uk", "ru", "pl", "he")
PLACEHOLDER = re.compile(r"%\(\w+\)(?:\.\d+)?[sdf]|%[sd]|\{\{.*?\}\}|t-out=\"[^\"]*\"")


def entries(path):
    from odoo.tools.translate import PoFileReader

    return {(entry["src"], entry.get("context") or ""): entry["value"] for entry in PoFileReader(str(path))}


def missing_translations(template, catalogue):
    """The strings of ``template`` that ``catalogue`` leaves untranslated."""
    translated = {src for (src, _context), value in entries(catalogue).items() if value}
    return sorted({src for src, _context in entries(template)} - translated)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("addon", ADDONS)
def test_every_string_is_translated_keeping_its_placeholders(addon, lang):
    template = REPO / addon / "i18n" / f"{addon}.pot"
    catalogue = REPO / addon / "i18n" / f"{lang}.po"
    assert template.exists(), f"{addon} has no i18n/{addon}.pot"
    assert catalogue.exists(), f"{addon} has no i18n/{lang}.po"
    wanted = {src for src, _context in entries(template)}
    translated = {src: value for (src, _context), value in entries(catalogue).items() if value}
    missing = missing_translations(template, catalogue)
    assert not missing, f"{len(missing)} strings of {addon} have no {lang} translation, e.g. {missing[:3]}"
    broken = [src for src in wanted if sorted(PLACEHOLDER.findall(src)) != sorted(PLACEHOLDER.findall(translated[src]))]
    assert not broken, f"{lang} translations of {addon} lose placeholders: {broken[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("addon", ADDONS)
def test_catalogue_compiles(addon, lang):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian's gettext) is needed to check the catalogues"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(REPO / addon / "i18n" / f"{lang}.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_check_sees_a_missing_translation(tmp_path):
    source = REPO / "telephony_bridge" / "i18n" / "uk.po"
    text = source.read_text(encoding="utf-8")
    first = re.search(r'\nmsgid "(?P<src>[^"]+)"\nmsgstr "(?P<tr>[^"]+)"\n', text)
    blanked = tmp_path / "uk.po"
    blanked.write_text(text.replace(first.group(0), f'\nmsgid "{first["src"]}"\nmsgstr ""\n', 1), encoding="utf-8")
    template = REPO / "telephony_bridge" / "i18n" / "telephony_bridge.pot"
    assert missing_translations(template, source) == []
    assert missing_translations(template, blanked) == [first["src"]]
