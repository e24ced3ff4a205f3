import hashlib
import hmac
import logging
import secrets
from typing import NamedTuple

import requests

from odoo import _, api, fields, models, tools
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError, ValidationError

from ..tools import binotel, call_events, phone, zadarma
from .res_users import PBX_GROUP

_logger = logging.getLogger(__name__)


def _new_secret():
    return secrets.token_urlsafe(32)


class WebhookConfig(NamedTuple):
    """What the event endpoint needs of a PBX, kept in each worker's cache."""

    id: int
    company_id: int
    auth: str
    secret: str
    event_format: str
    region: str | None
    team_id: int | None = None
    user_id: int | None = None
    tz: str | None = None
    allowed_networks: tuple = ()
    account_id: str | None = None

    def check_address(self, address):
        """Return None when ``address`` may post events (allow-list), else (403, message)."""
        if zadarma.address_allowed(self.allowed_networks, address):
            return None
        return 403, "address not allowed"

    def check_auth(self, headers, body, form=None):
        """Return None when the request is authentic, else (http status, message).

        Missing credentials: 401. Wrong credentials: 403. Compared in constant time.
        Zadarma signs some fields of its form (``form``), per event.
        """
        if self.event_format == "zadarma":
            return zadarma.check_signature(self.secret, form or {}, headers.get("Signature"))
        if self.auth == "hmac":
            signature = (headers.get("X-Telephony-Signature") or "").strip()
            if not signature:
                return 401, "missing X-Telephony-Signature header"
            if signature.startswith("sha256="):
                signature = signature[len("sha256=") :]
            expected = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature.lower()):
                return 403, "wrong signature"
            return None
        token = (headers.get("X-Telephony-Token") or "").strip()
        if not token:
            return 401, "missing X-Telephony-Token header"
        return None if hmac.compare_digest(self.secret.encode(), token.encode()) else (403, "wrong token")


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
            ("zadarma", "Zadarma (cloud PBX notifications)"),
            ("binotel", "Binotel (cloud PBX webhooks)"),
        ],
        string="Type",
        required=True,
        default="generic",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    team_id = fields.Many2one(
        "telephony.team",
        string="Default Team",
        domain="[('company_id', '=', company_id)]",
        help="The team of calls that ring no agent's extension (a queue, a closed line): "
        "its members see them when they are missed. Calls ringing an agent belong to the agent's team.",
    )
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
    tz = fields.Selection(
        _tz_get,
        string="PBX Time Zone",
        default=lambda self: self.env.user.tz,
        help="Time zone of the PBX account: Zadarma writes the start of calls in its local time. Empty: UTC.",
    )
    allowed_addresses = fields.Text(
        string="Allowed Source Addresses",
        help="Only these IP addresses or networks (CIDR, e.g. 185.45.152.40/30), separated by commas or "
        "new lines, may post events. Empty: any address, authenticated by the secret.",
    )
    pbx_account_id = fields.Char(
        string="PBX Account ID",
        help="Binotel: the companyID of the account. Requests naming another account are refused.",
    )
    recording_url_pattern = fields.Char(
        string="Recording Address",
        help="Asterisk: where a call's monitor file (MixMonitor) can be fetched, with {path} (its path under "
        "/var/spool/asterisk/monitor/) or {file} (its name), e.g. https://pbx.example.com/monitor/{path}",
    )
    # outgoing commands (click-to-dial, transfer) and AMI
    dial_format = fields.Selection(
        [
            (phone.DIAL_E164, "International (E.164, +4930123456)"),
            (phone.DIAL_NATIONAL, "National (030123456), abroad with the exit prefix"),
            (phone.DIAL_EXIT_PREFIX, "Exit prefix and country code (004930123456)"),
        ],
        string="Dial Numbers As",
        required=True,
        default=phone.DIAL_E164,
        help="How click-to-dial writes the number for the PBX's dial plan. National: as dialled inside the "
        "PBX's country (its default country, then the company's).",
    )
    dial_exit_prefix = fields.Char(
        string="Exit Prefix",
        default="00",
        help="What the PBX's dial plan dials before an international number: 00 in most of Europe, "
        "810 on some Russian exchanges, 014 or another carrier code in Israel.",
    )
    api_url = fields.Char(string="API Address", help="HTTP address of the PBX API, or host:port of Asterisk AMI.")
    api_username = fields.Char(string="API User", groups="telephony_bridge.group_telephony_bridge_manager")
    api_password = fields.Char(string="API Password", groups="telephony_bridge.group_telephony_bridge_manager")
    user_id = fields.Many2one(
        "res.users",
        string="Technical User",
        copy=False,
        ondelete="restrict",
        domain=lambda self: [("groups_id", "in", self.env.ref(PBX_GROUP).ids)],
        help="The user the PBX's events are recorded as, once authenticated: created with the PBX, "
        "member of the group Telephony: PBX integration only, in the PBX's company only, without password.",
    )
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
        return self.pbx_type if self.pbx_type in ("twilio", "zadarma", "binotel") else "generic"

    @api.constrains("allowed_addresses")
    def _check_allowed_addresses(self):
        for pbx in self:
            try:
                zadarma.parse_networks(pbx.allowed_addresses)
            except ValueError as exc:
                raise ValidationError(
                    self.env._("The allowed source addresses of %(pbx)s: %(error)s", pbx=pbx.name, error=exc)
                ) from exc

    @api.constrains("recording_url_pattern")
    def _check_recording_url_pattern(self):
        from ..tools import ami

        for pbx in self.filtered("recording_url_pattern"):
            try:
                url = ami.recording_url(pbx.recording_url_pattern, "/var/spool/asterisk/monitor/x.wav")
            except (KeyError, ValueError, IndexError) as exc:
                raise ValidationError(
                    self.env._("The recording address of %(pbx)s may hold only {path} and {file}: %(error)s",
                               pbx=pbx.name, error=exc)
                ) from exc  # fmt: skip
            if not url.startswith(("https://", "http://")):
                raise ValidationError(self.env._("The recording address of %s must start with https://.", pbx.name))

    @api.constrains("dial_format", "dial_exit_prefix")
    def _check_dial_exit_prefix(self):
        for pbx in self.filtered(lambda p: p.dial_exit_prefix and not p.dial_exit_prefix.strip().isdigit()):
            raise ValidationError(
                self.env._("The exit prefix of %(pbx)s must be digits only, not %(prefix)s.",
                           pbx=pbx.name, prefix=pbx.dial_exit_prefix)
            )  # fmt: skip

    @api.constrains("pbx_type", "pbx_account_id")
    def _check_pbx_account_id(self):
        for pbx in self.filtered(lambda p: p.pbx_type == "binotel" and not (p.pbx_account_id or "").strip()):
            raise ValidationError(
                self.env._("Set the Binotel account ID (companyID) of %s: Binotel's requests name it.", pbx.name)
            )

    @api.model_create_multi
    def create(self, vals_list):
        pbxs = super().create(vals_list)
        self.env["res.users"]._telephony_create_technical_users(
            pbxs.filtered(lambda pbx: not pbx.user_id), PBX_GROUP, "telephony_pbx"
        )
        self.env.registry.clear_cache()  # _webhook_config
        return pbxs

    def write(self, vals):
        if "company_id" in vals and "user_id" not in vals:
            company = self.env["res.company"].browse(vals["company_id"])
            for pbx in self.filtered(lambda p: p.user_id and p.company_id != company):
                pbx.user_id._telephony_follow_company(pbx, company)
        result = super().write(vals)
        self.env.registry.clear_cache()  # _webhook_config
        return result

    def unlink(self):
        users = self.user_id
        result = super().unlink()
        # the technical users of deleted PBXs keep their calls' history, archived
        still_used = self.sudo().with_context(active_test=False).search([("user_id", "in", users.ids)]).user_id
        (users - still_used).sudo().active = False
        self.env.registry.clear_cache()  # _webhook_config
        return result

    @api.constrains("user_id", "company_id")
    def _check_user_id(self):
        for pbx in self.filtered("user_id"):
            pbx.user_id._telephony_check_technical_user(PBX_GROUP, pbx)

    @api.model
    @tools.ormcache("pbx_id")
    def _webhook_config(self, pbx_id):
        """The :class:`WebhookConfig` of PBX ``pbx_id``, or None if unknown or archived.

        Cached per worker, so a PBX event costs no query before the call itself; any
        change of a PBX, of a user, of a company's phone country or of a company's country
        clears it. Read as the superuser: the PBX is not authenticated yet, and its
        secret is readable by managers only. Its events are then recorded as its
        technical user (``user_id``, None when it has no active one).
        """
        pbx = self.sudo().browse(pbx_id).exists()
        if not pbx or not pbx.active:
            return None
        return WebhookConfig(
            id=pbx.id,
            company_id=pbx.company_id.id,
            auth=pbx.webhook_auth,
            secret=pbx.webhook_secret or "",
            event_format=pbx._event_format(),
            region=pbx._region(),
            team_id=pbx.team_id.id or None,
            user_id=pbx.user_id.id if pbx.user_id.active else None,
            tz=pbx.tz or None,
            # Binotel signs nothing: without a list of its own, Binotel's published addresses
            allowed_networks=zadarma.parse_networks(
                pbx.allowed_addresses or (binotel.SOURCE_ADDRESSES if pbx.pbx_type == "binotel" else "")
            ),
            account_id=(pbx.pbx_account_id or "").strip() or None,
        )

    def _check_event_auth(self, headers, body):
        """Return None when the request is authentic, else (http status, message)."""
        self.ensure_one()
        return self._webhook_config(self.id).check_auth(headers, body)

    def _process_event_payloads(self, payloads):
        """Parse JSON events and fold them into their calls; return the calls' summaries.

        Every payload is parsed before anything is written: one unusable payload
        raises ValueError (with a message for the PBX) and nothing is recorded.
        """
        self.ensure_one()
        config = self._webhook_config(self.id)
        if not config:
            raise ValueError(f"the PBX {self.id} is archived")
        now = fields.Datetime.now()
        if config.event_format == "zadarma":
            events = [event for form in payloads for event in zadarma.parse_event(form, config.tz, now)]
        elif config.event_format == "binotel":
            events = [event for form in payloads for event in binotel.parse_event(form, now)]
        else:
            events = [call_events.parse_event(payload, config.event_format, now=now) for payload in payloads]
        if not events:
            return []
        return self.env["telephony.call"]._as_pbx_user(config)._ingest_events(config, events)

    def _process_event_payload(self, payload):
        """Fold one JSON event into its call; return the call (used by tests and scripts)."""
        summary = self._process_event_payloads([payload])[0]
        return self.env["telephony.call"].browse(summary["id"])

    def action_regenerate_secret(self):
        for pbx in self:
            pbx.sudo().webhook_secret = _new_secret()

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telephony_bridge.action_telephony_call")
        action["domain"] = [("pbx_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Outgoing commands: click-to-dial and transfer
    # ------------------------------------------------------------------
    @api.model
    def _get_for_user(self, user=None):
        """The PBX that places calls for ``user``: the first active one of the current company."""
        pbx = self.search([("company_id", "=", self.env.company.id)], limit=1)
        if not pbx:
            raise UserError(_("No telephone exchange (PBX) is configured for %s.", self.env.company.name))
        return pbx

    def _check_api(self):
        self.ensure_one()
        if not self.api_url:
            raise UserError(_("Set the API address of the PBX %s first.", self.name))

    def _api_command(self, command):
        """Send one command to the PBX API; return its decoded JSON answer (or {})."""
        self.ensure_one()
        self._check_api()
        if self.pbx_type == "asterisk":
            return self._ami_command(command)
        pbx = self.sudo()
        auth = (pbx.api_username, pbx.api_password or "") if pbx.api_username else None
        try:
            response = requests.post(pbx.api_url, json=command, auth=auth, timeout=10)
        except requests.RequestException as exc:
            raise UserError(_("The PBX %(name)s cannot be reached: %(error)s", name=self.name, error=exc)) from exc
        if not 200 <= response.status_code < 300:
            _logger.warning("PBX %s refused %s: HTTP %s %s", self.name, command, response.status_code, response.text)
            raise UserError(
                _(
                    "The PBX %(name)s refused the command (HTTP %(status)s): %(answer)s",
                    name=self.name,
                    status=response.status_code,
                    answer=response.text[:500],
                )
            )
        try:
            answer = response.json()
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}

    def _ami_command(self, command):
        from ..tools import ami

        host, port = ami.split_address(self.api_url)
        pbx = self.sudo()
        try:
            return ami.send_action(host, port, pbx.api_username or "", pbx.api_password or "", command)
        except (OSError, ami.AmiError) as exc:
            raise UserError(_("The PBX %(name)s refused the command: %(error)s", name=self.name, error=exc)) from exc

    def _ami_listen(self, ingest=None, timeout=None):
        """Follow this Asterisk PBX's AMI events and log its calls; return the events handled.

        Logs in over TCP, feeds Newchannel / DialBegin / BridgeEnter / Hangup through
        :class:`~..tools.ami.AmiCallTracker` into the same call logic as the webhook,
        and returns when the server closes the connection. ``ingest(config, event)``
        logs one event; by default in this transaction. The ``telephony_ami`` command
        gives each event a transaction of its own, so a crash loses nothing received.
        """
        import socket

        from ..tools import ami

        self.ensure_one()
        self._check_api()
        host, port = ami.split_address(self.api_url)
        pbx = self.sudo()
        ingest = ingest or pbx.env["telephony.call"]._ingest_as_pbx_user
        handled = 0
        with socket.create_connection((host, port), timeout=timeout) as sock:
            parser = ami.AmiParser()
            ami.login(sock, parser, pbx.api_username or "", pbx.api_password or "")
            sock.settimeout(None)
            _logger.info("PBX %s: logged in to AMI at %s:%s", self.name, host, port)
            tracker = ami.AmiCallTracker(recording_pattern=pbx.recording_url_pattern)
            messages = parser.take_pending()  # events that came with the login response
            while True:
                for message in messages:
                    for event in tracker.feed(message):
                        ingest(pbx._webhook_config(pbx.id), event)
                        handled += 1
                data = sock.recv(65536)
                if not data:
                    break
                messages = parser.feed(data)
        return handled

    def _recording_link(self, url):
        """A link the browser can play for the recording stored as ``url``: Zadarma's
        recording request is made to its API with the PBX's API key (a temporary link
        comes back); other addresses are links already. Raises UserError."""
        self.ensure_one()
        pbx = self.sudo()  # the API key: asked only once the user's access to the call is checked
        request_ = zadarma.recording_request(url, pbx.api_username or "", pbx.api_password or "", pbx.api_url)
        if self.pbx_type != "zadarma" or not request_:
            return url
        address, headers = request_
        try:
            response = requests.get(address, headers=headers, timeout=10)
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise UserError(
                _("The PBX %(name)s did not give the recording: %(error)s", name=self.name, error=exc)
            ) from exc
        link = answer.get("link") if isinstance(answer, dict) and answer.get("status") == "success" else None
        if not link:
            message = answer.get("message") if isinstance(answer, dict) else None
            raise UserError(
                _(
                    "The PBX %(name)s did not give the recording: %(error)s",
                    name=self.name,
                    error=message or response.status_code,
                )
            )
        return link

    def _dial(self, number, user=None):
        """Ask the PBX to ring ``user``'s extension, then connect it to ``number``."""
        self.ensure_one()
        user = user or self.env.user
        if not user.telephony_extension:
            raise UserError(_("Set your phone extension in your user preferences before dialing."))
        e164 = phone.to_e164(number, self._region())
        if not e164:
            raise UserError(_("%s is not a phone number that can be dialed.", number or _("An empty number")))
        digits = self._dial_string(e164)
        return self._api_command({"action": "originate", "extension": user.telephony_extension, "number": digits})

    def _dial_string(self, e164):
        """``e164`` written as this PBX's dial plan expects it (:attr:`dial_format`)."""
        self.ensure_one()
        return phone.dial_string(e164, self.dial_format or phone.DIAL_E164, self._region(), self.dial_exit_prefix)

    def _transfer(self, pbx_call_id, extension):
        """Ask the PBX to transfer the live call ``pbx_call_id`` to ``extension``."""
        self.ensure_one()
        if not extension:
            raise UserError(_("The colleague has no phone extension."))
        return self._api_command({"action": "transfer", "call_id": pbx_call_id, "extension": extension})

    @api.model
    def action_dial_number(self, number):
        """Click-to-dial entry point of the web client."""
        self._get_for_user()._dial(number)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Your phone rings: pick it up to call %s.", number),
                "sticky": False,
            },
        }
