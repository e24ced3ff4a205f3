"""Reading an imported list of people to call (CSV: name and phone), row by row."""

import csv
import io

NAME_HEADERS = ("name", "ім'я", "імя", "имя", "nazwa", "imię", "שם")
PHONE_HEADERS = ("phone", "телефон", "telefon", "טלפון", "mobile")


def decode(data):
    """Bytes of a CSV file as text: UTF-8 (with or without BOM), else Windows-1251."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable")


def read_rows(text):
    """Rows of ``text`` as (line number, name, phone) and problems as (line number, problem code).

    The first line is a header naming the columns (name, phone, in any of the languages
    above); the delimiter is a comma or a semicolon. Problem codes: ``no_header``,
    ``no_name``, ``no_phone``, ``duplicate`` (a phone already listed above).
    """
    lines = text.splitlines()
    if not lines:
        return [], [(1, "no_header")]
    dialect = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=dialect)
    header = [cell.strip().lower() for cell in next(reader)]
    name_col = next((i for i, cell in enumerate(header) if cell in NAME_HEADERS), None)
    phone_col = next((i for i, cell in enumerate(header) if cell in PHONE_HEADERS), None)
    if name_col is None or phone_col is None:
        return [], [(1, "no_header")]
    rows, problems, seen = [], [], set()
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        name = cells[name_col].strip() if name_col < len(cells) else ""
        phone = cells[phone_col].strip() if phone_col < len(cells) else ""
        if not name:
            problems.append((number, "no_name"))
        elif not phone:
            problems.append((number, "no_phone"))
        elif phone in seen:
            problems.append((number, "duplicate"))
        else:
            seen.add(phone)
            rows.append((number, name, phone))
    return rows, problems
