"""HTTP SMS provider protocol: request rendering and answer parsing (no Odoo import).

The request template is a JSON object whose string values may hold placeholders
(``{number}``, ``{body}``, ``{sender}``, ``{reference}``). Placeholders are replaced
inside the decoded structure, never in the JSON text, so a message containing quotes
or braces cannot break the request.
"""

import json
import re

PLACEHOLDERS = ("number", "body", "sender", "reference")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

DEFAULT_TEMPLATE = '{"to": "{number}", "text": "{body}", "from": "{sender}", "reference": "{reference}"}'
# The Send URL of a provider that sends nothing: demo databases mark their SMS sent without a request.
DEMO_URL = "demo:"

# delivery report words -> (sms.sms state, failure type)
_DELIVERY_STATES = {
    "delivered": ("sent", None),
    "delivrd": ("sent", None),
    "success": ("sent", None),
    "sent": ("pending", None),
    "accepted": ("pending", None),
    "enroute": ("pending", None),
    "buffered": ("pending", None),
    "queued": ("process", None),
    "expired": ("error", "sms_expired"),
    "rejected": ("error", "sms_rejected"),
    "rejectd": ("error", "sms_rejected"),
    "invalid": ("error", "sms_invalid_destination"),
    "undelivered": ("error", "sms_not_delivered"),
    "undeliv": ("error", "sms_not_delivered"),
    "failed": ("error", "sms_not_delivered"),
    "unknown": ("error", "sms_not_delivered"),
}


def parse_template(template):
    """Decode and check a request template; raise ValueError with a readable message."""
    try:
        data = json.loads(template or "")
    except ValueError as exc:
        raise ValueError(f"the request template is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("the request template must be a JSON object")
    return data


def render_request(template, values):
    """The request data: ``template`` with its placeholders replaced by ``values``."""

    def render(node):
        if isinstance(node, str):
            return _PLACEHOLDER.sub(lambda match: str(values.get(match.group(1)) or ""), node)
        if isinstance(node, list):
            return [render(item) for item in node]
        if isinstance(node, dict):
            return {key: render(value) for key, value in node.items()}
        return node

    return render(parse_template(template))


def dig(data, path):
    """Value at a dotted ``path`` (``"messages.0.id"``) of decoded JSON, or None."""
    node = data
    for part in (path or "").split("."):
        if not part:
            continue
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def parse_send_answer(status_code, text, success_path=None, success_value=None, id_path=None):
    """Read the provider's answer to a send request.

    Return ``(ok, message_id, answer)``: ``ok`` when the HTTP status is 2xx and, if a
    success path is set, the value there equals ``success_value`` (compared as text,
    case-insensitive); ``answer`` is the provider's text kept for the log.
    """
    answer = (text or "").strip()[:2000]
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    ok = 200 <= int(status_code) < 300
    if ok and success_path:
        value = dig(data, success_path)
        ok = value is not None and str(value).lower() == str(success_value or "").lower()
    message_id = dig(data, id_path) if id_path else None
    return ok, (str(message_id) if message_id not in (None, "") else None), answer or f"HTTP {status_code}"


def delivery_state(status):
    """(sms.sms state, failure type) of a delivery report status word; ValueError if unknown."""
    key = str(status or "").strip().lower()
    if key not in _DELIVERY_STATES:
        raise ValueError(f"unknown delivery status {status!r}")
    return _DELIVERY_STATES[key]
