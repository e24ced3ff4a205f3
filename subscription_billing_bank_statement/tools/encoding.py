"""Telling Windows-1250 (Polish) from Windows-1251 (Ukrainian, Russian) bank files.

Both code pages decode any byte, so a wrong guess gives mojibake rather than an error:
``Łódź`` in 1250 read as 1251 is ``Ѓуdџ``. Each candidate decoding is scored by how many
of its letters are the ones the language really uses; the better text wins.
"""

POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
CYRILLIC = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъёАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЫЭЪЁ")


def _score(text, letters):
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return 0.0
    return sum(ch in letters for ch in high) / len(high)


def guess_encoding(data, declared=None):
    """The encoding to read ``data`` (bytes) with.

    A declared encoding that decodes the data wins (the preset knows its bank); then
    UTF-8 (with or without BOM); then whichever of 1250/1251 yields real letters.
    """
    if declared:
        try:
            data.decode(declared)
            return declared
        except (UnicodeDecodeError, LookupError):
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    cyrillic = _score(data.decode("cp1251", errors="replace"), CYRILLIC)
    polish = _score(data.decode("cp1250", errors="replace"), POLISH)
    # Cyrillic text is nearly all high bytes that are letters in 1251; Polish text has few
    # high bytes, each a Polish letter in 1250. Ties (no high byte at all) do not matter.
    return "windows-1250" if polish > cyrillic else "windows-1251"
