import base64
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from addon_tools import tools

protocol = tools("subscription_billing", "terminal_protocol")

PAY = {"command": "pay", "txn_id": "1234567", "account": "SB-00012", "sum": "10.45", "txn_date": "20261122153000"}


def test_pay_request_is_read():
    request = protocol.parse_request(PAY)
    assert request == protocol.Request(
        "pay", "1234567", "SB-00012", Decimal("10.45"), datetime(2026, 11, 22, 15, 30, 0)
    )


def test_check_needs_no_sum_nor_date():
    request = protocol.parse_request({"command": "check", "txn_id": "1", "account": "SB-1"})
    assert (request.command, request.amount, request.txn_date) == ("check", None, None)


@pytest.mark.parametrize(
    ("change", "result", "comment"),
    [
        ({"command": "refund"}, 300, "Unknown command, expected check or pay"),
        ({"txn_id": ""}, 300, "Missing or malformed txn_id"),
        ({"account": "SB 12;DROP"}, 4, "Wrong account format"),
        ({"sum": "0.00"}, 241, "Sum too small"),
        ({"sum": "1000000"}, 242, "Sum too large"),
        ({"sum": "10,45"}, 300, "Malformed sum"),
        ({"sum": "10.455"}, 300, "Sum has more than two decimals"),
        ({"txn_date": "22.11.2026"}, 300, "Missing or malformed txn_date (YYYYMMDDHHMMSS)"),
    ],
)
def test_bad_requests_get_the_protocol_result_code(change, result, comment):
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse_request({**PAY, **change})
    assert (caught.value.result, caught.value.comment) == (result, comment)


def test_xml_answer_of_a_payment():
    answer = protocol.Answer("1234567", protocol.OK, amount=Decimal("10.45"), prv_txn="PAY/2026/0042")
    root = ElementTree.fromstring(protocol.render_xml(answer))
    assert {child.tag: child.text for child in root} == {
        "osmp_txn_id": "1234567",
        "prv_txn": "PAY/2026/0042",
        "sum": "10.45",
        "result": "0",
        "comment": "OK",
    }


def test_check_answer_bytes_with_the_fields_block():
    """The OSMP check answer with what the terminal shows, as providers' implementations write it."""
    answer = protocol.Answer(
        "1234567", protocol.OK, amount=Decimal("10.45"), fields={"name": "A & B <ltd>", "balance": "-12.00"}
    )
    assert protocol.render_xml(answer) == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<response>\n<osmp_txn_id>1234567</osmp_txn_id>\n'
        b"<sum>10.45</sum>\n<result>0</result>\n<fields>\n"
        b'<field1 name="name">A &amp; B &lt;ltd&gt;</field1>\n<field2 name="balance">-12.00</field2>\n'
        b"</fields>\n<comment>OK</comment>\n</response>"
    )
    assert protocol.render_json(answer)["fields"] == {"name": "A & B <ltd>", "balance": "-12.00"}


def test_account_format_of_the_network():
    assert protocol.parse_request({**PAY, "account": "380671234567"}, account_pattern=r"380\d{9}").account
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse_request({**PAY, "account": "0671234567"}, account_pattern=r"380\d{9}")
    assert caught.value.result == 4


def test_fingerprint_tells_a_repeat_from_another_payment():
    first = protocol.parse_request(PAY)
    assert first.fingerprint() == "SB-00012|10.45|20261122153000"
    assert protocol.parse_request(dict(PAY)).fingerprint() == first.fingerprint()
    assert protocol.parse_request({**PAY, "sum": "10.46"}).fingerprint() != first.fingerprint()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Shevchuk Olena Petrivna", "Sh****** O. P."), ("Li", "L*"), ("", ""), ("Kowalski", "Ko******")],
)
def test_name_is_masked(name, masked):
    assert protocol.mask_name(name) == masked


def test_source_address_allow_list():
    allow = "203.0.113.0/28, 198.51.100.7\n2001:db8::/32"
    assert protocol.address_allowed("203.0.113.14", allow)
    assert not protocol.address_allowed("203.0.113.16", allow)
    assert protocol.address_allowed("198.51.100.7", allow)
    assert protocol.address_allowed("2001:db8::1", allow)
    assert not protocol.address_allowed("not-an-ip", allow)
    assert not protocol.address_allowed("127.0.0.1", "")
    with pytest.raises(ValueError):
        protocol.parse_networks("10.0.0.300")


def test_basic_auth():
    header = "Basic " + base64.b64encode(b"city24:p4ss:word").decode()
    assert protocol.basic_credentials(header) == ("city24", "p4ss:word")
    assert protocol.basic_auth_ok(header, "city24", "p4ss:word")
    assert not protocol.basic_auth_ok(header, "city24", "other")
    assert not protocol.basic_auth_ok("Bearer x", "city24", "p4ss:word")
    assert not protocol.basic_auth_ok("Basic !!!", "city24", "p4ss:word")
    assert not protocol.basic_auth_ok(header, "", "")


# Layout of tools/terminal_protocol.parse_registry (built from the OSMP pay request's fields).
REGISTRY = (
    "Номер транзакции;Дата платежа;Лицевой счет;Сумма\r\n"
    "2000001;20260305101500;SB-00012;20.00\r\n"
    "2000002;05.03.2026 11:30:12;SB-00013;6,00\r\n"
    "Итого;2;26.00\r\n"
).encode("cp1251")


def test_registry_is_read_in_windows_1251():
    registry = protocol.parse_registry(REGISTRY)
    assert [(line.txn_id, line.account, line.amount) for line in registry.lines] == [
        ("2000001", "SB-00012", Decimal("20.00")),
        ("2000002", "SB-00013", Decimal("6.00")),
    ]
    assert registry.lines[1].txn_date == datetime(2026, 3, 5, 11, 30, 12)
    assert (registry.count, registry.total) == (2, Decimal("26.00"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (REGISTRY.replace(b"26.00", b"27.00"), "the total line says 2 payments of 27.00, the lines 2 of 26.00"),
        (REGISTRY.replace(b"2000002;", b"2000001;"), "transaction 2000001 is listed twice"),
        (REGISTRY.replace(b"20260305101500", b"2026-13-05"), "'2026-13-05' is not a date (YYYYMMDDHHMMSS)"),
        (REGISTRY.replace(b"20.00", b"twenty"), "'twenty' is not an amount"),
    ],
)
def test_registry_errors(content, message):
    with pytest.raises(protocol.RegistryError) as caught:
        protocol.parse_registry(content)
    assert caught.value.message == message


# QIWI's standard settlement registry as its provider-protocol documentation publishes it:
# tab-separated txn_id, date, time, subscriber's identifier, sum; "Total:" count and amount;
# lines may end with a bare CR.
QIWI_REGISTRY = (
    b"2000001\t05.03.2026\t10:15:00\tSB-00012\t20.00\r2000002\t05.03.2026\t11:30:12\tSB-00013\t6.00\rTotal:\t2\t26.00\r"
)


def test_qiwi_standard_registry():
    registry = protocol.parse_registry(QIWI_REGISTRY)
    assert [(line.txn_id, line.account, line.amount) for line in registry.lines] == [
        ("2000001", "SB-00012", Decimal("20.00")),
        ("2000002", "SB-00013", Decimal("6.00")),
    ]
    assert registry.lines[1].txn_date == datetime(2026, 3, 5, 11, 30, 12)
    assert (registry.count, registry.total) == (2, Decimal("26.00"))
    assert protocol.parse_registry(QIWI_REGISTRY.replace(b"\r", b"\r\n")).lines == registry.lines
    spaced = protocol.parse_registry(QIWI_REGISTRY.replace(b"Total:\t2\t26.00", b"Total: 2 26.00"))
    assert (spaced.count, spaced.total) == (2, Decimal("26.00"))
    with pytest.raises(protocol.RegistryError) as caught:
        protocol.parse_registry(QIWI_REGISTRY.replace(b"Total:\t2", b"Total:\t3"))
    assert caught.value.message == "the total line says 3 payments of 26.00, the lines 2 of 26.00"


def test_registry_times_are_read_in_the_network_time_zone():
    assert protocol.local_to_utc(datetime(2026, 3, 5, 10, 15), "Europe/Moscow") == datetime(2026, 3, 5, 7, 15)
    assert protocol.local_to_utc(datetime(2026, 7, 1, 0, 30), "Europe/Kyiv") == datetime(2026, 6, 30, 21, 30)
    assert protocol.local_to_utc(datetime(2026, 3, 5, 10, 15), False) == datetime(2026, 3, 5, 10, 15)


def test_reconcile_by_txn_id():
    registry = protocol.parse_registry(REGISTRY)
    result = protocol.reconcile(registry.lines, {"2000001": (20.0, "a"), "2000002": (5.0, "b"), "2000009": (3.0, "c")})
    assert [line.txn_id for line, _our in result.matched] == ["2000001"]
    assert [(line.txn_id, our[0]) for line, our in result.amount_differs] == [("2000002", 5.0)]
    assert result.only_registry == []
    assert result.only_ours == [("2000009", (3.0, "c"))]


def test_signature_is_verified_and_any_change_breaks_it():
    signed = {**PAY, "sign": protocol.signature(PAY, "s3cret")}
    assert protocol.verify(signed, "s3cret")
    assert not protocol.verify({**signed, "sum": "99.00"}, "s3cret")
    assert not protocol.verify(signed, "other")
    assert not protocol.verify(PAY, "s3cret")  # unsigned
    assert not protocol.verify(signed, "")  # no secret configured: nothing verifies
