"""The check / pay protocol of payment-terminal networks (the QIWI/OSMP provider protocol).

Sources: the OSMP (QIWI) "provider protocol" as published by the network and as the
open-source provider implementations on GitHub speak it (OSMPInputHandler result-code
tables, Rapida/EasyPay/City24 clones of the same check/pay): the network sends GET
requests such as::

    ?command=check&txn_id=1234567&account=0957835959&sum=10.45
    ?command=pay&txn_id=1234567&txn_date=20050815120133&account=0957835959&sum=10.45

and the provider answers, always with HTTP 200, the XML::

    <?xml version="1.0" encoding="UTF-8"?>
    <response>
    <osmp_txn_id>1234567</osmp_txn_id>
    <prv_txn>2016</prv_txn>
    <sum>10.45</sum>
    <result>0</result>
    <comment>OK</comment>
    </response>

A ``check`` answer may carry what the terminal shows to the payer in a ``fields`` block
(``<fields><field1 name="...">...</field1>...</fields>``). Result codes are the
protocol's: 0 OK, 1 temporary error (the network retries later), 4 wrong account
format, 5 account not found, 7 payment refused by the provider, 8 payment refused for
technical reasons, 79 account not active, 241/242 sum too small/large, 300 other error.
A repeated ``pay`` of a ``txn_id`` answers the first result again and pays nothing twice.

Authentication as the networks do it (source address allow-list, HTTP basic auth); our
HMAC-SHA256 signature (:func:`verify`) stays an option of the provider's own clients.
"""

import base64
import binascii
import hashlib
import hmac
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape, quoteattr

import pytz

OK = 0
TEMPORARY_ERROR = 1
BAD_ACCOUNT_FORMAT = 4
ACCOUNT_NOT_FOUND = 5
PAYMENT_FORBIDDEN = 7
SWITCHED_OFF = 8
ACCOUNT_INACTIVE = 79
SUM_TOO_SMALL = 241
SUM_TOO_LARGE = 242
OTHER_ERROR = 300

COMMENTS = {
    OK: "OK",
    TEMPORARY_ERROR: "Temporary error, try again later",
    BAD_ACCOUNT_FORMAT: "Wrong account format",
    ACCOUNT_NOT_FOUND: "Account not found",
    PAYMENT_FORBIDDEN: "Payment forbidden by the provider",
    SWITCHED_OFF: "Payment forbidden for technical reasons",
    ACCOUNT_INACTIVE: "Account is not active",
    SUM_TOO_SMALL: "Sum too small",
    SUM_TOO_LARGE: "Sum too large",
    OTHER_ERROR: "Other error",
}
COMMANDS = ("check", "pay")
TXN_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
ACCOUNT = re.compile(r"^[0-9A-Za-z/._-]{1,64}$")
TXN_DATE_FORMAT = "%Y%m%d%H%M%S"


class ProtocolError(Exception):
    def __init__(self, result, comment=None):
        self.result = result
        self.comment = comment or COMMENTS[result]
        super().__init__(self.comment)


@dataclass(frozen=True)
class Request:
    command: str
    txn_id: str
    account: str
    amount: Decimal | None
    txn_date: datetime | None

    def fingerprint(self):
        """What a repeated ``pay`` of the same ``txn_id`` must repeat: account, sum and date."""
        amount = f"{self.amount:.2f}" if self.amount is not None else ""
        when = self.txn_date.strftime(TXN_DATE_FORMAT) if self.txn_date else ""
        return f"{self.account}|{amount}|{when}"


@dataclass
class Answer:
    txn_id: str
    result: int
    comment: str = ""
    amount: Decimal | None = None
    prv_txn: str | None = None  # our id of the payment, on pay
    fields: dict = field(default_factory=dict)  # shown to the payer, on check: {name: value}

    def __post_init__(self):
        self.comment = self.comment or COMMENTS.get(self.result, "")


def parse_request(params, min_amount=Decimal("0.01"), max_amount=Decimal("100000"), account_pattern=None):
    """:class:`Request` of the query parameters, or :class:`ProtocolError` with its result code.

    ``account_pattern`` is the network's format of the account (a regular expression the
    whole account must match); a mismatch answers 4.
    """
    command = (params.get("command") or "").strip().lower()
    if command not in COMMANDS:
        raise ProtocolError(OTHER_ERROR, "Unknown command, expected check or pay")
    txn_id = (params.get("txn_id") or "").strip()
    if not TXN_ID.match(txn_id):
        raise ProtocolError(OTHER_ERROR, "Missing or malformed txn_id")
    account = (params.get("account") or "").strip()
    pattern = re.compile(account_pattern) if account_pattern else ACCOUNT
    if not account or not pattern.fullmatch(account):
        raise ProtocolError(BAD_ACCOUNT_FORMAT)
    amount = None
    raw_sum = (params.get("sum") or "").strip()
    if raw_sum or command == "pay":
        try:
            amount = Decimal(raw_sum)
        except InvalidOperation:
            raise ProtocolError(OTHER_ERROR, "Malformed sum") from None
        if not amount.is_finite() or amount < min_amount:
            raise ProtocolError(SUM_TOO_SMALL)
        if amount > max_amount:
            raise ProtocolError(SUM_TOO_LARGE)
        if amount != amount.quantize(Decimal("0.01")):
            raise ProtocolError(OTHER_ERROR, "Sum has more than two decimals")
    txn_date = None
    if command == "pay":
        try:
            txn_date = datetime.strptime((params.get("txn_date") or "").strip(), TXN_DATE_FORMAT)
        except ValueError:
            raise ProtocolError(OTHER_ERROR, "Missing or malformed txn_date (YYYYMMDDHHMMSS)") from None
    return Request(command, txn_id, account, amount, txn_date)


def render_xml(answer):
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<response>",
        f"<osmp_txn_id>{escape(answer.txn_id)}</osmp_txn_id>",
    ]
    if answer.prv_txn is not None:
        parts.append(f"<prv_txn>{escape(str(answer.prv_txn))}</prv_txn>")
    if answer.amount is not None:
        parts.append(f"<sum>{answer.amount:.2f}</sum>")
    parts += [f"<result>{answer.result}</result>"]
    if answer.fields:
        parts.append("<fields>")
        for number, (name, value) in enumerate(answer.fields.items(), start=1):
            parts.append(f"<field{number} name={quoteattr(name)}>{escape(str(value))}</field{number}>")
        parts.append("</fields>")
    parts += [f"<comment>{escape(answer.comment)}</comment>", "</response>"]
    return "\n".join(parts).encode("utf-8")


def render_json(answer):
    data = {"txn_id": answer.txn_id, "result": answer.result, "comment": answer.comment}
    if answer.prv_txn is not None:
        data["prv_txn"] = str(answer.prv_txn)
    if answer.amount is not None:
        data["sum"] = f"{answer.amount:.2f}"
    if answer.fields:
        data["fields"] = {name: str(value) for name, value in answer.fields.items()}
    return data


def mask_name(name):
    """The subscriber's name as a terminal may show it to whoever types the account:
    the first word's first two letters, the others' initials (``Shevchuk Olena`` ->
    ``Sh****** O.``)."""
    words = (name or "").split()
    if not words:
        return ""
    first = words[0]
    masked = first[:2] + "*" * max(len(first) - 2, 0) if len(first) > 2 else first[:1] + "*"
    return " ".join([masked, *(f"{word[0]}." for word in words[1:])])


# ----------------------------------------------------------------------
# Authentication
# ----------------------------------------------------------------------
def parse_networks(text):
    """The source addresses / networks of an allow-list (spaces, commas or new lines between)."""
    networks = []
    for item in re.split(r"[\s,;]+", text or ""):
        if item:
            networks.append(ipaddress.ip_network(item, strict=False))  # ValueError when malformed
    return networks


def address_allowed(address, allow_list):
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in network for network in parse_networks(allow_list))


def basic_credentials(header):
    """(login, password) of an ``Authorization: Basic`` header, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        login, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (login, password) if sep else None


def basic_auth_ok(header, login, password):
    given = basic_credentials(header)
    if not given or not login or not password:
        return False
    same_login = hmac.compare_digest(given[0].encode(), login.encode())
    same_password = hmac.compare_digest(given[1].encode(), password.encode())
    return same_login and same_password


def signature(params, secret):
    """HMAC-SHA256 hex digest of the parameters sorted by name, ``sign`` left out."""
    message = "&".join(f"{name}={params[name]}" for name in sorted(params) if name != "sign")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify(params, secret):
    given = params.get("sign") or ""
    return bool(secret) and hmac.compare_digest(given.lower(), signature(params, secret))


# ----------------------------------------------------------------------
# The network's daily settlement registry
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class RegistryLine:
    line: int
    txn_id: str
    txn_date: datetime
    account: str
    amount: Decimal


@dataclass
class Registry:
    lines: list
    total: Decimal | None = None  # the total line the network wrote, if any
    count: int | None = None


class RegistryError(ValueError):
    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


REGISTRY_DATE_FORMATS = (
    TXN_DATE_FORMAT,
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y%m%d %H:%M:%S",
)
TOTAL_MARKERS = ("total", "итого", "разом", "усього", "всего", "razem", "suma")


def _decode(content, encoding):
    if not isinstance(content, bytes):
        return content
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if encoding:
        return content.decode(encoding)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1251")


TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def _registry_line(number, cells):
    if len(cells) >= 5 and TIME.match(cells[2]):  # QIWI's standard: date and time in two fields
        cells = [cells[0], f"{cells[1]} {cells[2]}", *cells[3:]]
    if len(cells) < 4:
        raise RegistryError(number, "expected txn_id;txn_date;account;sum")
    txn_id, raw_date, account, raw_sum = cells[:4]
    when = None
    for fmt in REGISTRY_DATE_FORMATS:
        try:
            when = datetime.strptime(raw_date, fmt)
            break
        except ValueError:
            continue
    if when is None:
        raise RegistryError(number, f"{raw_date!r} is not a date (YYYYMMDDHHMMSS)")
    try:
        amount = Decimal(raw_sum.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise RegistryError(number, f"{raw_sum!r} is not an amount") from None
    return RegistryLine(number, txn_id, when, account, amount)


def local_to_utc(when, tz):
    """A naive time written in the time zone ``tz`` (``Europe/Moscow``...) as naive UTC."""
    if not when or not tz:
        return when
    return pytz.timezone(tz).localize(when).astimezone(pytz.utc).replace(tzinfo=None)


def parse_registry(content, encoding=None):
    """Lines of a network's daily registry of paid transactions.

    Two layouts, told apart line by line:

    * QIWI's standard settlement registry, as its provider-protocol documentation publishes
      it (file ``QIWI_<service_id>_YYYYMMDDn.csv``): one successful payment per line,
      ``<txn_id> <date> <time> <subscriber's identifier> <sum>`` separated by tabs, decimals
      with a point, Moscow time, lines ending CR LF or a bare CR, and a last line
      ``Total: <number of payments> <amount of payments>``;
    * the clones' registries, which networks hand to providers with the contract rather
      than publish: the pay request's own values ``txn_id;txn_date;account;sum``
      (``txn_date`` as YYYYMMDDHHMMSS), separated by ``;`` or a tab, in Windows-1251 or
      UTF-8, a header line (first field not a transaction id, skipped) and a total line
      whose first field is ``TOTAL`` / ``Итого`` / ``Разом``.

    The total line, when there is one, is checked against the lines.
    """
    registry = Registry(lines=[])
    seen = set()
    for number, raw in enumerate(_decode(content, encoding).splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [cell.strip() for cell in re.split(r"[;\t]", raw)]
        marker = cells[0].split(":")[0].strip().lower() if cells[0] else ""
        if marker in TOTAL_MARKERS:
            rest = " ".join([cells[0].split(":", 1)[1] if ":" in cells[0] else "", *cells[1:]])
            values = rest.split()
            try:
                registry.count = int(values[0])
                registry.total = Decimal(values[1].replace(",", "."))
            except (IndexError, ValueError, InvalidOperation):
                raise RegistryError(number, "the total line must give the count and the sum") from None
            continue
        if not TXN_ID.match(cells[0]) or not any(ch.isdigit() for ch in cells[0]):
            if registry.lines or number > 3:
                raise RegistryError(number, f"{cells[0]!r} is not a transaction id")
            continue  # a header
        line = _registry_line(number, cells)
        if line.txn_id in seen:
            raise RegistryError(number, f"transaction {line.txn_id} is listed twice")
        seen.add(line.txn_id)
        registry.lines.append(line)
    if registry.total is not None:
        listed = sum((line.amount for line in registry.lines), Decimal(0))
        if listed != registry.total or (registry.count is not None and registry.count != len(registry.lines)):
            raise RegistryError(
                0,
                f"the total line says {registry.count} payments of {registry.total}, "
                f"the lines {len(registry.lines)} of {listed}",
            )
    return registry


@dataclass
class Reconciliation:
    matched: list = field(default_factory=list)  # (registry line, our payment)
    only_registry: list = field(default_factory=list)  # registry lines
    only_ours: list = field(default_factory=list)  # our payments
    amount_differs: list = field(default_factory=list)  # (registry line, our payment)


def reconcile(registry_lines, ours):
    """Compare the registry with our payments, by ``txn_id``.

    ``ours`` maps txn_id to (amount, anything): the payment the terminal registered.
    """
    result = Reconciliation()
    left = dict(ours)
    for line in registry_lines:
        our = left.pop(line.txn_id, None)
        if our is None:
            result.only_registry.append(line)
        elif Decimal(str(our[0])).quantize(Decimal("0.01")) != line.amount.quantize(Decimal("0.01")):
            result.amount_differs.append((line, our))
        else:
            result.matched.append((line, our))
    result.only_ours = list(left.items())
    return result
