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


def test_xml_answer_escapes_and_json_answer_carries_the_same_fields():
    answer = protocol.Answer("9", protocol.ACCOUNT_NOT_FOUND, fields={"owed": "12.00", "name": "A & B <ltd>"})
    root = ElementTree.fromstring(protocol.render_xml(answer))
    assert root.findtext("name") == "A & B <ltd>" and root.findtext("result") == "5"
    assert protocol.render_json(answer) == {
        "txn_id": "9",
        "result": 5,
        "comment": "Account not found",
        "owed": "12.00",
        "name": "A & B <ltd>",
    }


def test_signature_is_verified_and_any_change_breaks_it():
    signed = {**PAY, "sign": protocol.signature(PAY, "s3cret")}
    assert protocol.verify(signed, "s3cret")
    assert not protocol.verify({**signed, "sum": "99.00"}, "s3cret")
    assert not protocol.verify(signed, "other")
    assert not protocol.verify(PAY, "s3cret")  # unsigned
    assert not protocol.verify(signed, "")  # no secret configured: nothing verifies
