import pytest
from addon_tools import tools

gw = tools("telephony_bridge", "sms_gateway")


def test_render_replaces_placeholders_inside_values():
    data = gw.render_request(
        gw.DEFAULT_TEMPLATE, {"number": "+49301234567", "body": 'Say "hi" {body}', "sender": "ACME", "reference": "u1"}
    )
    assert data == {"to": "+49301234567", "text": 'Say "hi" {body}', "from": "ACME", "reference": "u1"}


def test_render_nested_structures_and_missing_values():
    template = '{"messages": [{"dest": ["{number}"], "msg": "{body}"}], "flash": false, "from": "{sender}"}'
    data = gw.render_request(template, {"number": "+1", "body": "x"})
    assert data == {"messages": [{"dest": ["+1"], "msg": "x"}], "flash": False, "from": ""}


@pytest.mark.parametrize(("template", "message"), [("{", "not valid JSON"), ("[1]", "must be a JSON object")])
def test_bad_templates_are_refused(template, message):
    with pytest.raises(ValueError, match=message):
        gw.parse_template(template)


def test_dig_paths():
    data = {"messages": [{"id": "m1", "status": 0}]}
    assert gw.dig(data, "messages.0.id") == "m1"
    assert gw.dig(data, "messages.0.status") == 0
    assert gw.dig(data, "messages.3.id") is None
    assert gw.dig(None, "a") is None


def test_parse_answer_success_and_failure():
    assert gw.parse_send_answer(200, '{"status": "OK", "id": 42}', "status", "ok", "id") == (
        True,
        "42",
        '{"status": "OK", "id": 42}',
    )
    ok, message_id, answer = gw.parse_send_answer(200, '{"status": "ERROR", "reason": "no credit"}', "status", "ok")
    assert (ok, message_id) == (False, None)
    assert "no credit" in answer
    assert gw.parse_send_answer(503, "", None, None) == (False, None, "HTTP 503")
    assert gw.parse_send_answer(202, "queued", None, None) == (True, None, "queued")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("DELIVERED", ("sent", None)),
        ("expired", ("error", "sms_expired")),
        ("undelivered", ("error", "sms_not_delivered")),
        ("accepted", ("pending", None)),
    ],
)
def test_delivery_states(status, expected):
    assert gw.delivery_state(status) == expected


def test_unknown_delivery_state():
    with pytest.raises(ValueError, match="unknown delivery status"):
        gw.delivery_state("teleported")
