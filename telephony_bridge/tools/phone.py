"""Phone number normalization to E.164 with ``phonenumbers``.

``normalize(raw, region)`` reads a number as a PBX or a user wrote it (national,
international, ``00`` prefix, spaces, dashes, brackets, dots) and says what it is:

* ``valid``: a possible number, ``e164`` holds it (``+4930123456``);
* ``anonymous``: the caller withheld the number (``anonymous``, ``restricted``, empty...);
* ``malformed``: something that cannot be a phone number (``12``, ``abc``...).

Nothing raises: a PBX sends what it sends, and every call must still be logged.
"""

import functools
import re
from dataclasses import dataclass

import phonenumbers

VALID = "valid"
ANONYMOUS = "anonymous"
MALFORMED = "malformed"

# What PBXs and carriers put in the caller-ID when the number is withheld.
ANONYMOUS_WORDS = frozenset(
    {
        "",
        "anonymous",
        "anonym",
        "unknown",
        "<unknown>",
        "restricted",
        "private",
        "withheld",
        "unavailable",
        "blocked",
        "hidden",
        "no caller id",
        "null",
        "none",
    }
)
_SEPARATORS = re.compile(r"[\s\-\.\(\)/]")
_MAX_INPUT = 64
# shorter strings are extensions or service codes, not numbers a customer calls from
_MIN_DIGITS = 5


@dataclass(frozen=True)
class PhoneNumber:
    raw: str
    kind: str
    e164: str | None = None

    @property
    def is_valid(self):
        return self.kind == VALID


def clean_region(region):
    """Return an ISO 3166 alpha-2 code in upper case, or None."""
    if not region:
        return None
    region = str(region).strip().upper()
    return region if len(region) == 2 and region.isalpha() else None


def _compact(text):
    """Digits of ``text`` with an optional leading ``+``, or None when it holds anything else."""
    # SIP URIs: "sip:+4930123456@pbx.example.com" -> the user part
    if text.lower().startswith(("sip:", "sips:", "tel:")):
        text = text.split(":", 1)[1].split("@", 1)[0].split(";", 1)[0]
    compact = _SEPARATORS.sub("", text)
    if not compact or not re.fullmatch(r"\+?[0-9]+", compact):
        return None
    return compact


def _parse(compact, region):
    """E.164 form of a compact number, or None."""
    candidates = [compact]
    if compact.startswith("00"):
        # international call prefix used in most of the world
        candidates.append("+" + compact[2:])
    for candidate in candidates:
        parse_region = None if candidate.startswith("+") else region
        if not candidate.startswith("+") and not parse_region:
            continue
        try:
            parsed = phonenumbers.parse(candidate, parse_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


@functools.lru_cache(maxsize=4096)
def normalize(raw, region=None):
    """Classify and normalize ``raw``; ``region`` is the default country (``"DE"``).

    Remembers the last few thousand answers: every event of a call carries its number.
    """
    text = "" if raw is None else str(raw).strip()
    if text.lower() in ANONYMOUS_WORDS or text.strip("<>").lower() in ANONYMOUS_WORDS:
        return PhoneNumber(text, ANONYMOUS)
    if len(text) > _MAX_INPUT:
        return PhoneNumber(text[:_MAX_INPUT], MALFORMED)
    compact = _compact(text)
    if compact and set(compact.lstrip("+")) == {"0"}:
        return PhoneNumber(text, ANONYMOUS)
    e164 = None
    if compact and len(compact.lstrip("+")) >= _MIN_DIGITS:
        e164 = _parse(compact, clean_region(region))
    return PhoneNumber(text, VALID, e164) if e164 else PhoneNumber(text, MALFORMED)


def to_e164(raw, region=None):
    """E.164 form of ``raw`` or None when it is anonymous or malformed."""
    return normalize(raw, region).e164


DIAL_E164 = "e164"
DIAL_NATIONAL = "national"
DIAL_EXIT_PREFIX = "exit_prefix"
DIAL_FORMATS = (DIAL_E164, DIAL_NATIONAL, DIAL_EXIT_PREFIX)


def dial_string(e164, dial_format=DIAL_E164, home_region=None, exit_prefix="00"):
    """The digits a PBX's dial plan expects for the number ``e164``.

    ``e164``: ``+4930123456``; ``national``: numbers of the PBX's own country
    (``home_region``) as dialled inside it, with their trunk prefix (``030123456``),
    other countries' through the exit prefix; ``exit_prefix``: every number as an
    international call, ``exit_prefix`` then the country code (``004930123456``).
    Raises ValueError for an unknown format or a number that is not E.164.
    """
    if dial_format not in DIAL_FORMATS:
        raise ValueError(f"unknown dial format {dial_format!r}")
    try:
        parsed = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{e164!r} is not an E.164 number") from exc
    if dial_format == DIAL_E164:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    prefix = re.sub(r"\D", "", exit_prefix or "") or "00"
    home = clean_region(home_region)
    if dial_format == DIAL_NATIONAL and home and phonenumbers.region_code_for_number(parsed) == home:
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return f"{prefix}{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
