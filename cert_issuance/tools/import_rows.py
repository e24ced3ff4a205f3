"""Parse license lists (CSV with any delimiter or rows read from XLSX) into checked rows.

A mapping says which column holds which field: ``{"partner_ref": "Registry code", ...}``
(by header) or ``{"partner_ref": "2"}`` (by 1-based column number). Each row becomes a
dict of clean values or a list of errors with its line number; nothing here touches
the database.
"""

import csv
import io
from datetime import date, datetime

FIELDS = ("partner_ref", "partner_name", "product", "license_key", "valid_from", "valid_to", "manager")
REQUIRED = ("license_key", "valid_to", "product")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y.%m.%d", "%d.%m.%y")
DELIMITERS = ";,\t|"


def decode(data):
    """Text of a file's bytes: UTF-8 (with or without BOM), else cp1252."""
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text):
    """The delimiter of a CSV text: the one of ``;,<tab>|`` that splits its first line most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data, delimiter=None):
    """Rows (lists of strings) of CSV bytes or text; ``delimiter`` None means sniffed."""
    text = decode(data)
    delimiter = delimiter or sniff_delimiter(text)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]


def parse_date(value):
    """A date from a cell: date / datetime objects, ISO or day-first text; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    if " " in text:
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f'"{value}" is not a date (use YYYY-MM-DD or DD.MM.YYYY)')


def cell_text(value):
    """A cell as clean text; whole floats from spreadsheets lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_indexes(header, mapping):
    """Map each field to a 0-based column index of ``header``; ValueError for a missing column."""
    names = [cell_text(name).casefold() for name in header]
    indexes = {}
    for field, raw_column in mapping.items():
        if field not in FIELDS:
            raise ValueError(f'"{field}" is not an importable field')
        column = cell_text(raw_column)
        if not column:
            continue
        if column.isdigit():
            index = int(column) - 1
            if index < 0 or index >= len(header):
                raise ValueError(f"column {column} does not exist, the file has {len(header)} columns")
        elif column.casefold() in names:
            index = names.index(column.casefold())
        else:
            raise ValueError(f'column "{column}" is not in the file header')
        indexes[field] = index
    missing = [field for field in REQUIRED if field not in indexes]
    if missing:
        raise ValueError("the mapping has no column for: " + ", ".join(missing))
    if "partner_ref" not in indexes and "partner_name" not in indexes:
        raise ValueError("the mapping needs a customer column (registry code or name)")
    return indexes


def parse_row(row, indexes):
    """Return ``(values, errors)`` of one data row."""
    values, errors = {}, []
    for field, index in indexes.items():
        raw = row[index] if index < len(row) else None
        if field in ("valid_from", "valid_to"):
            try:
                values[field] = parse_date(raw)
            except ValueError as error:
                errors.append(f"{field}: {error}")
        else:
            values[field] = cell_text(raw)
    for field in REQUIRED:
        if field not in values or (not values[field] and not any(e.startswith(field) for e in errors)):
            errors.append(f"{field} is empty")
    if not values.get("partner_ref") and not values.get("partner_name"):
        errors.append("no customer registry code or name")
    if values.get("valid_from") and values.get("valid_to") and values["valid_from"] > values["valid_to"]:
        errors.append("valid_from is after valid_to")
    return values, errors


def parse_rows(rows, mapping, has_header=True):
    """Parse all rows: ``(good, bad)`` with good = [(line, values)], bad = [(line, [errors])].

    Line numbers are 1-based file lines (the header is line 1). A license key that
    appears twice in the file is reported on its second line.
    """
    if not rows:
        raise ValueError("the file is empty")
    header = rows[0] if has_header else [str(i + 1) for i in range(max(len(r) for r in rows))]
    indexes = column_indexes(header, mapping)
    good, bad, seen = [], [], {}
    start = 1 if has_header else 0
    for offset, row in enumerate(rows[start:]):
        line = offset + start + 1
        values, errors = parse_row(row, indexes)
        key = values.get("license_key")
        if key and not errors:
            if key in seen:
                errors.append(f"license key {key} repeats line {seen[key]}")
            else:
                seen[key] = line
        if errors:
            bad.append((line, errors))
        else:
            good.append((line, values))
    return good, bad
