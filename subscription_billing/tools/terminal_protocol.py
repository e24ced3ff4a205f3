"""The check / pay protocol of payment-terminal networks and aggregators.

A terminal asks ``command=check`` (does this account exist, may it be paid) and then
``command=pay`` (register the payment) with query parameters ``txn_id`` (the terminal's
transaction id, unique per payment: a repeated ``pay`` must answer the first result
again and pay nothing twice), ``account`` (our contract number), ``sum`` (amount with a
decimal point) and, for ``pay``, ``txn_date`` (YYYYMMDDHHMMSS). The answer is XML with a
``result`` code (0 is success; the others below are the protocol's), or the same fields
as JSON for aggregators that prefer it.

Requests are signed with HMAC-SHA256 over the sorted parameters (the ``sign``
parameter excluded) and the terminal's secret; :func:`verify` compares in constant time.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

OK = 0
TEMPORARY_ERROR = 1
BAD_ACCOUNT_FORMAT = 4
ACCOUNT_NOT_FOUND = 5
PAYMENT_FORBIDDEN = 7
ACCOUNT_INACTIVE = 79
SUM_TOO_SMALL = 241
SUM_TOO_LARGE = 242
OTHER_ERROR = 300

COMMENTS = {
    OK: "OK",
    TEMPORARY_ERROR: "Temporary error, try again later",
    BAD_ACCOUNT_FORMAT: "Wrong account format",
    ACCOUNT_NOT_FOUND: "Account not found",
    PAYMENT_FORBIDDEN: "Payment forbidden",
    ACCOUNT_INACTIVE: "Account is not active",
    SUM_TOO_SMALL: "Sum too small",
    SUM_TOO_LARGE: "Sum too large",
    OTHER_ERROR: "Other error",
}
COMMANDS = ("check", "pay")
TXN_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
ACCOUNT = re.compile(r"^[0-9A-Za-z/._-]{1,64}$")


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


@dataclass
class Answer:
    txn_id: str
    result: int
    comment: str = ""
    amount: Decimal | None = None
    prv_txn: str | None = None  # our id of the payment, on pay
    fields: dict = field(default_factory=dict)  # e.g. the amount owed, on check

    def __post_init__(self):
        self.comment = self.comment or COMMENTS.get(self.result, "")


def parse_request(params, min_amount=Decimal("0.01"), max_amount=Decimal("100000")):
    """:class:`Request` of the query parameters, or :class:`ProtocolError` with its result code."""
    command = (params.get("command") or "").strip().lower()
    if command not in COMMANDS:
        raise ProtocolError(OTHER_ERROR, "Unknown command, expected check or pay")
    txn_id = (params.get("txn_id") or "").strip()
    if not TXN_ID.match(txn_id):
        raise ProtocolError(OTHER_ERROR, "Missing or malformed txn_id")
    account = (params.get("account") or "").strip()
    if not ACCOUNT.match(account):
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
            txn_date = datetime.strptime((params.get("txn_date") or "").strip(), "%Y%m%d%H%M%S")
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
    for name, value in answer.fields.items():
        parts.append(f"<{name}>{escape(str(value))}</{name}>")
    parts += [f"<result>{answer.result}</result>", f"<comment>{escape(answer.comment)}</comment>", "</response>"]
    return "\n".join(parts).encode("utf-8")


def render_json(answer):
    data = {"txn_id": answer.txn_id, "result": answer.result, "comment": answer.comment}
    if answer.prv_txn is not None:
        data["prv_txn"] = str(answer.prv_txn)
    if answer.amount is not None:
        data["sum"] = f"{answer.amount:.2f}"
    data.update({name: str(value) for name, value in answer.fields.items()})
    return data


def signature(params, secret):
    """HMAC-SHA256 hex digest of the parameters sorted by name, ``sign`` left out."""
    message = "&".join(f"{name}={params[name]}" for name in sorted(params) if name != "sign")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify(params, secret):
    given = params.get("sign") or ""
    return bool(secret) and hmac.compare_digest(given.lower(), signature(params, secret))
