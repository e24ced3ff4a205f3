import hashlib
import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import call_events


def _new_secret():
    return secrets.token_urlsafe(32)


class TelephonyPbx(models.Model):
    _name = "telephony.pbx"
    _description = "Telephone Exchange (PBX)"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    pbx_type = fields.Selection(
        [
            ("generic", "Generic webhook (JSON)"),
            ("twilio", "Twilio (cloud PBX webhook)"),
            ("asterisk", "Asterisk / FreePBX (AMI)"),
        ],
        string="Type",
        required=True,
        default="generic",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    country_id = fields.Many2one(
        "res.country",
        string="Default Country",
        help="Country used to read numbers the PBX sends without international prefix. "
        "Empty: the company's telephony country, then the company's country.",
    )
    # incoming events
    webhook_auth = fields.Selection(
        [("token", "Token header"), ("hmac", "HMAC-SHA256 signature")],
        string="Event Authentication",
        required=True,
        default="token",
        help="Token: the PBX sends the secret in the X-Telephony-Token header. "
        "HMAC: the PBX signs the raw body with the secret and sends X-Telephony-Signature: sha256=<hex>.",
    )
    webhook_secret = fields.Char(
        string="Event Secret",
        required=True,
        copy=False,
        default=lambda self: _new_secret(),
        groups="telephony_bridge.group_telephony_bridge_manager",
    )
    webhook_url = fields.Char(string="Event URL", compute="_compute_webhook_url")
    # outgoing commands (click-to-dial, transfer) and AMI
    api_url = fields.Char(string="API Address", help="HTTP address of the PBX API, or host:port of Asterisk AMI.")
    api_username = fields.Char(string="API User", groups="telephony_bridge.group_telephony_bridge_manager")
    api_password = fields.Char(string="API Password", groups="telephony_bridge.group_telephony_bridge_manager")
    call_ids = fields.One2many("telephony.call", "pbx_id", string="Calls")
    call_count = fields.Integer(compute="_compute_call_count")

    @api.depends("pbx_type")
    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for pbx in self:
            pbx.webhook_url = f"{base_url}/telephony/pbx/{pbx.id}/event" if pbx.id else False

    def _compute_call_count(self):
        counts = dict(self.env["telephony.call"]._read_group([("pbx_id", "in", self.ids)], ["pbx_id"], ["__count"]))
        for pbx in self:
            pbx.call_count = counts.get(pbx, 0)

    def _region(self):
        """ISO code of the country used to read national numbers of this PBX."""
        self.ensure_one()
        country = self.country_id or self.company_id.telephony_default_country_id or self.company_id.country_id
        return country.code

    def _event_format(self):
        self.ensure_one()
        return "twilio" if self.pbx_type == "twilio" else "generic"

    def _check_event_auth(self, headers, body):
        """Return None when the request is authentic, else (http status, message).

        Missing credentials: 401. Wrong credentials: 403. Compared in constant time.
        """
        self.ensure_one()
        secret = self.sudo().webhook_secret or ""
        if self.webhook_auth == "hmac":
            signature = (headers.get("X-Telephony-Signature") or "").strip()
            if not signature:
                return 401, "missing X-Telephony-Signature header"
            if signature.startswith("sha256="):
                signature = signature[len("sha256=") :]
            expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature.lower()):
                return 403, "wrong signature"
            return None
        token = (headers.get("X-Telephony-Token") or "").strip()
        if not token:
            return 401, "missing X-Telephony-Token header"
        if not hmac.compare_digest(secret.encode(), token.encode()):
            return 403, "wrong token"
        return None

    def _process_event_payload(self, payload):
        """Parse one JSON event and fold it into its call; return the call.

        Raises ValueError with a message for the PBX when the payload is unusable.
        """
        self.ensure_one()
        event = call_events.parse_event(payload, self._event_format(), now=fields.Datetime.now())
        return self.env["telephony.call"]._ingest_event(self, event)

    def action_regenerate_secret(self):
        for pbx in self:
            pbx.sudo().webhook_secret = _new_secret()

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_call")
        action["domain"] = [("pbx_id", "=", self.id)]
        return action

    def _check_api(self):
        self.ensure_one()
        if not self.api_url:
            raise UserError(_("Set the API address of the PBX %s first.", self.name))
