"""Finding a subscriber's identifiers in what payers actually write on a bank transfer.

Payers type their contract number with a space instead of a dash, drop leading zeros,
mix Cyrillic and Latin letters that look alike (``С``/``C``, ``О``/``O``, ``і``/``i``)
and letters for digits (``O`` for ``0``, ``I``/``l`` for ``1``), write a personal account
after ``о/р``, ``л/с`` or ``ос. рах.``, or only their tax id. Everything here folds both
sides the same way, so a stored identifier and a typed one compare equal when a person
would say they are the same.
"""

import re
import unicodedata
from dataclasses import dataclass

# Cyrillic letters drawn like Latin ones (upper case after str.upper()).
LOOKALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "Є": "E",
        "Ё": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "І": "I",
        "Ї": "I",
        "Ј": "J",
        "Ѕ": "S",
    }
)
SEPARATORS = re.compile(r"[\s\-_./\\#№:]+")
DIGIT_LOOKALIKE = re.compile(r"(?<=[0-9])[OIL]|[OIL](?=[0-9])")
DIGIT_OF = {"O": "0", "I": "1", "L": "1"}
RUNS = re.compile(r"[0-9]+|[^0-9]+")

# What introduces a personal account or contract number in Ukrainian, Russian, Polish text.
ACCOUNT_MARKERS = re.compile(
    r"(?:о/р|о\.р\.|ос\.?\s*рах(?:унок|\.)?|особов\w*\s+рахун\w*|л/с|л\.с\.|лиц\w*\s+сч[её]т\w*|"
    r"рахун\w*|сч[её]т\w*|договор\w*|договір\w*|дог\.|угод\w*|umow\w*|nr\.?\s+klienta|"
    r"numer\s+klienta|konto\s+klienta|abonent\w*|абонент\w*|contract|account|acc\.?)"
    r"\s*(?:№|N|Nr|#|no\.?)?\s*[:.]?\s*([0-9A-Za-zА-Яа-яІіЇїЄє][0-9A-Za-zА-Яа-яІіЇїЄє\-/ .]{0,30})",
    re.IGNORECASE,
)
TAX_ID = re.compile(r"(?<![0-9])(?:UA|PL|RU)?\s?(\d(?:[\s-]?\d){7,11})(?![0-9])")
IBAN = re.compile(r"\b([A-Z]{2}[0-9]{2}(?:\s?[A-Z0-9]){11,30})\b")

# What banks put before the payer's name.
NAME_PREFIXES = re.compile(
    r"^\s*(?:від|вiд|от|платник|плательщик|from|przelew\s+(?:przychodzący\s+|zewnętrzny\s+)?od|"
    r"przelew\s+od|nadawca|od)\s*:?\s*",
    re.IGNORECASE,
)
LEGAL_FORMS = re.compile(
    r"\b(?:ТОВ|ООО|ТЗОВ|ПП|ФОП|ФЛП|ИП|ПАТ|ПАО|АТ|АО|ЗАО|ПРАТ|SP\s*Z\s*O\s*O|SP\s*J|S\s*A|LLC|LTD)\b\.?",
    re.IGNORECASE,
)


def fold_letters(text):
    """Upper case, accents kept (Polish ``Ł``, ``Ś``...), Cyrillic look-alikes as Latin."""
    return unicodedata.normalize("NFC", text or "").upper().translate(LOOKALIKES)


def _groups(text):
    """The separated groups of ``text``, folded, letters that stand for digits made digits."""
    groups = []
    for raw in SEPARATORS.split(fold_letters(text)):
        group, previous = raw, None
        while previous != group:
            previous = group
            group = DIGIT_LOOKALIKE.sub(lambda m: DIGIT_OF[m.group(0)], group)
        groups.append(group)
    return groups


def _drop_leading_zeros(text):
    return "".join(run.lstrip("0") or "0" if run[0].isdigit() else run for run in RUNS.findall(text))


def reference_key(text):
    """The form an identifier is compared in: ``SB-00012``, ``sb 12``, ``SВ-OO12`` -> ``SB12``.

    Letters that stand for digits next to digits become digits, separators go, and each
    run of digits loses its leading zeros. ``""`` when ``text`` holds no digit.
    """
    # Separators go before zeros are dropped: "77-031" is "77031", as a payer types it
    # without the dash, while "SB-00012" and "SB 12" are both "SB12".
    key = _drop_leading_zeros("".join(_groups(text)))
    return key if any(ch.isdigit() for ch in key) else ""


def group_key(text):
    """The second form an identifier is compared in: each group loses its leading zeros
    before the separators go, ``INV/2026/00012`` -> ``INV202612``.

    A number whose zeros sit inside, after a separator, is typed with one of them dropped
    (``INV/2026/0012``) or all of them (``INV 2026 12``): both forms then compare equal,
    where ``reference_key`` keeps the zeros that follow ``2026``.
    """
    key = "".join(_drop_leading_zeros(group) for group in _groups(text) if group)
    return key if any(ch.isdigit() for ch in key) else ""


def reference_keys(text):
    """``reference_key`` and ``group_key`` of ``text``, without repeats or empty keys."""
    return list(dict.fromkeys(key for key in (reference_key(text), group_key(text)) if key))


def digits_key(text):
    """Only the digits, without leading zeros: how a bare account number is compared."""
    digits = re.sub(r"\D", "", reference_key(text))
    return digits.lstrip("0")


CREDITOR_REFERENCE = re.compile(r"\bRF\s?([0-9]{2})\s?((?:[0-9A-Z]\s?){1,21})", re.IGNORECASE)


def creditor_references(text):
    """ISO 11649 structured creditor references (``RF18 5390 0754 7034``): their checked content.

    The two check digits make ``RF`` + digits + content + ``2715`` congruent to 1 modulo 97;
    a reference that fails the check is a typo and is not returned.
    """
    found = []
    for match in CREDITOR_REFERENCE.finditer(text or ""):
        content = re.sub(r"\s", "", match.group(2)).upper()
        rearranged = content + "RF" + match.group(1)
        number = "".join(str(int(ch, 36)) for ch in rearranged)
        if int(number) % 97 == 1:
            found.append(content)
    return found


def _candidate_values(text, patterns):
    """The pieces of ``text`` that could be an identifier, most specific first.

    ``patterns``: the company's or journal's regular expressions; their first group (or the
    whole match) is a candidate. Then a structured creditor reference, what follows an
    account marker (``о/р``, ``л/с``, ``договір №``), then each run of one to three
    neighbouring words holding a digit.
    """
    text = text or ""
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            yield match.group(1) if match.groups() else match.group(0)
    yield from creditor_references(text)
    for match in ACCOUNT_MARKERS.finditer(text):
        words = match.group(1).split()
        for size in (1, 2, 3):
            if len(words) >= size:
                yield " ".join(words[:size])
    words = [w for w in re.split(r"[\s,;()\"'«»]+", text) if w]
    for size in (1, 2, 3):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if any(ch.isdigit() for ch in "".join(window)):
                yield " ".join(window)


def candidate_keys(text, patterns=()):
    """Every reference key (``reference_key``) that ``text`` could mean, most specific first."""
    return list(dict.fromkeys(key for key in map(reference_key, _candidate_values(text, patterns)) if key))


def candidate_group_keys(text, patterns=()):
    """The second forms (``group_key``) of what ``text`` writes with separators:
    ``INV/2026/0012`` and ``inv 2026 12`` give ``INV202612``. A number typed without any
    separator gives none, so a bare ``105`` never meets contract ``10-05`` this way."""
    keys = []
    for value in _candidate_values(text, patterns):
        if SEPARATORS.search(value.strip()):
            key = group_key(value)
            if key and key not in keys:
                keys.append(key)
    return keys


def tax_ids(text):
    """Tax ids written in ``text``: 8 digits (EDRPOU), 10 (INN/RNOKPP, NIP), 11 (PESEL), 12 (INN)."""
    found = []
    for match in TAX_ID.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) in (8, 10, 11, 12) and digits not in found:
            found.append(digits)
    return found


def tax_id_key(vat):
    """A stored VAT/tax number as compared: country prefix and separators dropped."""
    digits = re.sub(r"\D", "", re.sub(r"^[A-Za-z]{2}", "", (vat or "").strip()))
    return digits if len(digits) >= 8 else ""


def ibans(text):
    return [re.sub(r"\s", "", m.group(1)) for m in IBAN.finditer(fold_letters(text))]


def name_key(text):
    """A payer or customer name as compared: bank prefix, legal form, case, look-alikes, punctuation gone."""
    text = NAME_PREFIXES.sub("", text or "")
    text = LEGAL_FORMS.sub(" ", text)
    text = fold_letters(text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(sorted(text.split()))


def distance(left, right):
    """Edits (insert, delete, replace, swap two neighbours) turning ``left`` into ``right``."""
    previous2, previous = None, list(range(len(right) + 1))
    for i, lch in enumerate(left, start=1):
        current = [i]
        for j, rch in enumerate(right, start=1):
            cost = 0 if lch == rch else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and lch == right[j - 2] and left[i - 2] == rch:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def similarity(left, right):
    """0..1: how close two keys are; one typo or one swapped pair of characters in ``SB16``
    scores 0.75, in a ten-character number 0.9."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return max(0.0, 1 - distance(left, right) / max(len(left), len(right)))


@dataclass(frozen=True)
class Suggestion:
    target: object
    reason: str
    score: float


def rank_suggestions(line_keys, line_name, candidates, limit=5, threshold=0.4):
    """Near misses for an unmatched line, best first.

    ``candidates``: iterable of ``(target, reference_keys, name_key)``. A line that quotes a
    reference scores ``0.6 * reference + 0.4 * name`` (a close contract number of the payer
    himself beats a close number of a stranger); a line with no reference scores
    ``0.9 * name``. The reason names the part that weighed most.
    """
    ranked = []
    for target, keys, cand_name in candidates:
        ref_score, ref_reason = 0.0, ""
        for key in filter(None, keys):
            for line_key in line_keys:
                score = similarity(line_key, key)
                if score > ref_score:
                    ref_score, ref_reason = score, f"reference:{line_key}~{key}"
        name_score = similarity(line_name, cand_name) if line_name and cand_name else 0.0
        name_reason = f"name:{line_name}~{cand_name}"
        if line_keys:
            score = 0.6 * ref_score + 0.4 * name_score
            reason = ref_reason if 0.6 * ref_score >= 0.4 * name_score else name_reason
        else:
            score, reason = 0.9 * name_score, name_reason
        if score >= threshold and reason:
            ranked.append(Suggestion(target, reason, round(score, 3)))
    return sorted(ranked, key=lambda s: (-s.score, str(s.target)))[:limit]
