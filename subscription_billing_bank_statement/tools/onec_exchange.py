"""1CClientBankExchange 1.03: the text file client-bank systems of Ukraine and Russia export.

The format (1C's "Формат обмена данными системы 1С:Предприятие с системами клиент-банк",
version 1.03): Windows-1251 (``Кодировка=Windows``) or CP866 (``Кодировка=DOS``) text,
CRLF lines of ``Key=Value``; a file header, one ``СекцияРасчСчет`` ... ``КонецРасчСчет``
block per account with its opening and closing balances, one ``СекцияДокумент=<kind>``
... ``КонецДокумента`` block per payment, and ``КонецФайла``. Ukrainian banks name the
payer's EDRPOU ``ПлательщикОКПО`` (Russian files ``ПлательщикИНН``), and put the IBAN in
``ПлательщикСчет``; Russian ones use ``ПлательщикРасчСчет``/``ПлательщикСчет``.
A document is money in when the receiver's account is the statement's account
(``ДатаПоступило`` set), money out when the payer's is (``ДатаСписано``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MAGIC = "1CClientBankExchange"


class OneCFormatError(ValueError):
    """The file is a 1CClientBankExchange file but cannot be read; ``args[0]`` says why."""


@dataclass
class Document:
    line: int
    kind: str
    values: dict
    amount: Decimal = Decimal(0)  # signed: positive money in, negative money out
    date: date | None = None
    number: str = ""
    partner_name: str = ""
    partner_tax_id: str = ""
    partner_account: str = ""
    purpose: str = ""
    unique_id: str = ""


@dataclass
class Statement:
    account: str = ""
    date_from: date | None = None
    date_to: date | None = None
    balance_start: Decimal | None = None
    balance_end: Decimal | None = None
    documents: list = field(default_factory=list)


def is_onec(data):
    """True when ``data`` (bytes) starts like a 1CClientBankExchange file (any encoding, BOM)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(MAGIC.encode("ascii"))


def _decode(data):
    head = data[:2000]
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if b"=DOS\r" in head or b"=DOS\n" in head:  # Кодировка=DOS: the header says CP866
        return data.decode("cp866")
    try:
        # Some exporters write UTF-8 while saying Кодировка=Windows; UTF-8 never decodes
        # Windows-1251 Cyrillic by accident, so trying it first is safe.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _date(value, line):
    value = value.strip()
    if not value:
        return None
    for fmt in ("%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise OneCFormatError(f"line {line}: date {value!r} is not DD.MM.YYYY")


def _amount(value, line):
    text = value.strip().replace(" ", "").replace("\xa0", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise OneCFormatError(f"line {line}: amount {value!r} is not a number") from error


def _account(value):
    return re.sub(r"\s", "", value or "").upper()


def _first(values, *keys):
    for key in keys:
        if values.get(key, "").strip():
            return values[key].strip()
    return ""


def _read(text):
    """The file's header, its account blocks and its documents, each with its first line."""
    header, accounts, documents = {}, [], []
    section, current, start = None, None, 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line == MAGIC:
            continue
        key, _sep, value = line.partition("=")
        key = key.strip()
        if key == "КонецФайла":
            break
        opening = {"СекцияРасчСчет": "account", "СекцияДокумент": "document"}.get(key)
        closing = {"КонецРасчСчет": "account", "КонецДокумента": "document"}.get(key)
        if opening:
            if section is not None:
                raise OneCFormatError(f"line {number}: {key} inside an open section (line {start})")
            section, current, start = opening, {"__kind__": value.strip()}, number
        elif closing:
            if section != closing:
                raise OneCFormatError(f"line {number}: {key} without its opening section")
            (accounts if closing == "account" else documents).append((start, current))
            section, current = None, None
        elif section is None:
            header[key] = value.strip()
        else:
            current[key] = value.strip()
    if section is not None:
        raise OneCFormatError(f"line {start}: section not closed before the end of the file")
    return header, accounts, documents


def parse(data):
    """Read a 1CClientBankExchange file (bytes); return the header dict and the statements.

    Raises ``OneCFormatError`` with the line number when a section is not closed, a date or
    an amount cannot be read.
    """
    if not is_onec(data):
        raise OneCFormatError("not a 1CClientBankExchange file")
    header, accounts, documents = _read(_decode(data))
    statements = {}
    for start, values in accounts:
        account = _account(values.get("РасчСчет"))
        stmt = statements.setdefault(account, Statement(account=account))
        stmt.date_from = stmt.date_from or _date(values.get("ДатаНачала", ""), start)
        stmt.date_to = _date(values.get("ДатаКонца", ""), start) or stmt.date_to
        opening = _amount(values.get("НачальныйОстаток", ""), start)
        closing = _amount(values.get("КонечныйОстаток", ""), start)
        # Several blocks for one account (one per day): the first opens, the last closes.
        if stmt.balance_start is None:
            stmt.balance_start = opening
        if closing is not None:
            stmt.balance_end = closing
    own_accounts = set(statements) or {_account(a) for a in [header.get("РасчСчет", "")] if a}
    if not own_accounts:
        raise OneCFormatError("the file names no account (РасчСчет)")
    for start, values in documents:
        doc = _document(start, values, own_accounts)
        stmt = statements.setdefault(doc.values["__own__"], Statement(account=doc.values["__own__"]))
        stmt.documents.append(doc)
    occurrences = {}
    for stmt in statements.values():
        for doc in stmt.documents:
            base = doc.unique_id
            occurrences[base] = occurrences.get(base, 0) + 1
            if occurrences[base] > 1:  # two identical documents in one file stay two lines
                doc.unique_id = f"{base}-{occurrences[base]}"
    return header, list(statements.values())


def _document(start, values, own_accounts):
    receiver = _account(_first(values, "ПолучательСчет", "ПолучательРасчСчет"))
    payer = _account(_first(values, "ПлательщикСчет", "ПлательщикРасчСчет"))
    amount = _amount(values.get("Сумма", ""), start)
    if amount is None:
        raise OneCFormatError(f"line {start}: document without Сумма")
    incoming = receiver in own_accounts or (payer not in own_accounts and bool(values.get("ДатаПоступило")))
    doc_date = _date(
        _first(values, "ДатаПоступило" if incoming else "ДатаСписано", "Дата"),
        start,
    )
    if doc_date is None:
        raise OneCFormatError(f"line {start}: document without Дата")
    side = "Плательщик" if incoming else "Получатель"
    name = _first(values, f"{side}1", side)
    # "Плательщик=ИНН 7701234567 ООО Ромашка": the name without its tax id prefix
    name = re.sub(r"^(ИНН|ІПН|ЄДРПОУ|ЕДРПОУ|ОКПО)\s*\d+\s*", "", name).strip()
    doc = Document(
        line=start,
        kind=values.get("__kind__", ""),
        values=dict(values, __own__=receiver if incoming else payer),
        amount=amount if incoming else -amount,
        date=doc_date,
        number=values.get("Номер", ""),
        partner_name=name,
        partner_tax_id=_first(values, f"{side}ИНН", f"{side}ОКПО", f"{side}ЕДРПОУ"),
        partner_account=_account(_first(values, f"{side}Счет", f"{side}РасчСчет")),
        purpose=" ".join(v for k, v in sorted(values.items()) if k.startswith("НазначениеПлатежа") and v),
    )
    if not doc.values["__own__"]:
        doc.values["__own__"] = next(iter(sorted(own_accounts)))
    digest = hashlib.sha256(
        "\x1f".join(
            [
                doc.values["__own__"],
                doc.number,
                doc.date.isoformat(),
                str(amount),
                payer,
                receiver,
                doc.purpose,
            ]
        ).encode("utf-8")
    ).hexdigest()[:24]
    doc.unique_id = f"1c-{doc.date.isoformat()}-{doc.number or 'x'}-{digest}"
    return doc
