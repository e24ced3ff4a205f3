"""Read payment files from banks, terminals and internet banking through a column mapping.

CSV with any usual delimiter (sniffed), in UTF-8 (with or without BOM) or Windows-1251,
amounts with a decimal comma or point and optional thousands separators; or XLSX (first
sheet). A :class:`Mapping` says which column holds which field, by header name or by
1-based position. :func:`parse_payments` returns the good rows and one
:class:`RowError` per bad row (line number and reason); it never stops at the first bad
row, so a user sees all of them at once.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

FIELDS = ("contract", "invoice", "reference", "phone", "payer_name", "amount", "date", "transaction_id")
IDENTIFIERS = ("contract", "invoice", "reference", "phone", "payer_name")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S")


@dataclass
class Mapping:
    """Where each field is in the file: {field: header name or 1-based column number}."""

    columns: dict
    has_header: bool = True
    delimiter: str | None = None  # None: sniffed
    decimal: str | None = None  # "comma", "point" or None: decided per value
    date_formats: tuple = DATE_FORMATS

    def __post_init__(self):
        unknown = set(self.columns) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown fields in the mapping: {', '.join(sorted(unknown))}")
        for required in ("amount", "date"):
            if required not in self.columns:
                raise ValueError(f"the mapping must say which column holds the {required}")
        if not set(self.columns) & set(IDENTIFIERS):
            raise ValueError("the mapping must name at least one column that identifies the payer")
        if self.decimal not in (None, "comma", "point"):
            raise ValueError("decimal separator must be comma, point or automatic")


@dataclass
class PaymentRow:
    line: int
    amount: Decimal
    date: date
    values: dict = field(default_factory=dict)  # the identifiers and transaction id, stripped


@dataclass
class RowError:
    line: int
    reason: str


def decode(content):
    """Text of a CSV file in UTF-8 (BOM or not) or, failing that, Windows-1251."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1251")


def read_table(content, filename, delimiter=None):
    """[(line number, [cell, ...]), ...] of the file's non-empty rows."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    text = decode(content)
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:20])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]


def _read_xlsx(content):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise ValueError(f"the file is not a readable XLSX workbook ({error})") from error
    rows = []
    for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        if any(cell not in (None, "") for cell in row):
            rows.append((number, ["" if cell is None else cell for cell in row]))
    book.close()
    return rows


def parse_amount(value, decimal=None):
    """Decimal of ``value``: 1234.5, "1 234,50", "1.234,50", "1,234.50", "1234,5"."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not text:
        raise ValueError("the amount is empty")
    if decimal == "comma" or (decimal is None and _looks_decimal_comma(text)):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None


def _looks_decimal_comma(text):
    if "," not in text:
        return False
    if "." in text:
        return text.rindex(",") > text.rindex(".")  # 1.234,50
    head, _, tail = text.rpartition(",")
    return len(tail) != 3 or "," in head  # "12,5" and "12,50" yes; "1,234" is a thousands comma


def parse_date(value, formats=DATE_FORMATS):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (expected e.g. 2026-11-22 or 22.11.2026)")


def _column_index(mapping, header):
    index = {}
    for name, where in mapping.columns.items():
        if isinstance(where, int):
            index[name] = where - 1
            continue
        wanted = str(where).strip().lower()
        found = [i for i, cell in enumerate(header) if str(cell).strip().lower() == wanted]
        if not found:
            raise ValueError(f"the file has no column {where!r} (for {name})")
        index[name] = found[0]
    return index


def parse_payments(content, filename, mapping):
    """(rows, errors) of a payment file; raises ``ValueError`` only when the file as a whole is unusable."""
    table = read_table(content, filename, mapping.delimiter)
    if mapping.has_header:
        if not table:
            raise ValueError("the file is empty")
        (_line, header), table = table[0], table[1:]
    else:
        header = []
    index = _column_index(mapping, header)
    rows, errors, seen_transactions = [], [], {}
    for line, cells in table:
        try:
            row = _parse_row(line, cells, index, mapping)
        except ValueError as error:
            errors.append(RowError(line, str(error)))
            continue
        transaction = row.values.get("transaction_id")
        if transaction:
            if transaction in seen_transactions:
                errors.append(
                    RowError(line, f"transaction {transaction} repeats line {seen_transactions[transaction]}")
                )
                continue
            seen_transactions[transaction] = line
        rows.append(row)
    if not rows and not errors:
        raise ValueError("the file has no payment rows")
    return rows, errors


def _parse_row(line, cells, index, mapping):
    def cell(name):
        position = index.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    amount = parse_amount(cell("amount"), mapping.decimal)
    if amount <= 0:
        raise ValueError(f"the amount {amount} is not positive")
    day = parse_date(cell("date"), mapping.date_formats)
    values = {}
    for name in (*IDENTIFIERS, "transaction_id"):
        value = cell(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # XLSX stores contract numbers as numbers
        value = str(value).strip()
        if value:
            values[name] = value
    if not set(values) & set(IDENTIFIERS):
        raise ValueError("no contract number, invoice, reference, phone or payer name")
    return PaymentRow(line=line, amount=amount, date=day, values=values)


def row_keys(rows):
    """A key per row that says, file after file, whether it is the same payment again.

    The bank's transaction id when the row has one (``tx:<id>``). Otherwise a hash of
    what the row says (date, amount, every identifier text), followed by how many
    identical rows came before it in the file (``h:<hash>:<n>``): two equal payments of
    one file stay two payments, and the same file read again gives the same keys. The
    journal is added by the caller, so two banks never share a key.
    """
    keys, seen = [], {}
    for row in rows:
        transaction = row.values.get("transaction_id")
        if transaction:
            keys.append(f"tx:{transaction}")
            continue
        text = "\x1f".join(
            [row.date.isoformat(), f"{row.amount:.2f}"]
            + [f"{name}={row.values.get(name, '').upper()}" for name in IDENTIFIERS]
        )
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        occurrence = seen.get(digest, 0)
        seen[digest] = occurrence + 1
        keys.append(f"h:{digest}:{occurrence}")
    return keys


def file_hash(content):
    """The SHA-256 of a file's bytes: the same file imported twice has the same hash."""
    return hashlib.sha256(content).hexdigest()
