import hmac
import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..tools import binotel, zadarma

_logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
# Routes that machines (a PBX, an SMS provider) post to: authenticated by their own
# secret, no browser session or CSRF token, writing.
MACHINE_WEBHOOK = {
    "type": "http",
    "auth": "none",
    "methods": ["POST"],
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


def _json(status, **body):
    return request.make_json_response(body, status=status)


def _text(status, text=""):
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")]
    return request.make_response(text, headers=headers, status=status)


class TelephonyController(http.Controller):
    @http.route("/telephony/pbx/<int:pbx_id>/event", **dict(MACHINE_WEBHOOK, methods=["GET", "POST"]))
    def pbx_event(self, pbx_id, **kwargs):
        """Receive one call event (or a JSON list of events) from a PBX.

        Authenticated by the PBX's secret (token header or HMAC-SHA256 signature of
        the raw body), read as the superuser; the events are then recorded as the
        PBX's technical user, in the PBX's company only. The PBX's settings come from
        the worker's cache, so the request's transaction is still untouched when the
        events are folded into their calls.
        """
        config = request.env(user=SUPERUSER_ID)["telephony.pbx"]._webhook_config(pbx_id)
        if config and config.event_format in ("zadarma", "binotel"):
            return getattr(self, f"_{config.event_format}_event")(config, pbx_id)
        payload, error = self._read_event_request(config)
        if error:
            return _json(error[0], error=error[1])
        if not config.user_id:
            return _json(503, error="the PBX has no active technical user")
        payloads = payload if isinstance(payload, list) else [payload]
        env = request.env(user=config.user_id, su=False, context={"allowed_company_ids": [config.company_id]})
        pbx = env["telephony.pbx"].browse(pbx_id)
        try:
            calls = pbx._process_event_payloads(payloads)
        except (ValueError, AccessError) as exc:
            request.env.cr.rollback()
            return _json(400 if isinstance(exc, ValueError) else 403, error=str(exc))
        if isinstance(payload, list):
            return _json(200, calls=calls)
        return _json(200, **calls[0])

    def _zadarma_event(self, config, pbx_id):
        """A Zadarma notification (form-encoded, signed per event), or its URL check.

        ``GET ?zd_echo=X`` is answered with X; events that are no call events are
        acknowledged and ignored; call events are recorded as the PBX's technical user.
        Zadarma reads the answer to some events as call-routing orders: call events are
        answered with an empty body.
        """
        form, answer = self._read_zadarma_request(config)
        if answer is not None:
            return answer
        if not config.user_id:
            return _json(503, error="the PBX has no active technical user")
        env = request.env(user=config.user_id, su=False, context={"allowed_company_ids": [config.company_id]})
        try:
            env["telephony.pbx"].browse(pbx_id)._process_event_payloads([form])
        except (ValueError, AccessError) as exc:
            request.env.cr.rollback()
            return _json(400 if isinstance(exc, ValueError) else 403, error=str(exc))
        return _text(200)

    def _binotel_event(self, config, pbx_id):
        """A Binotel webhook request (form-encoded, from Binotel's addresses).

        Binotel signs nothing: a request is accepted from the PBX's allowed addresses
        (Binotel's published ones by default) naming the PBX's Binotel account
        (``companyID``). Accepted requests, call events or not, are answered
        ``{"status": "success"}``, which stops Binotel from sending them again.
        """
        form, denied = self._read_binotel_request(config)
        if not denied and form.get("requestType") in binotel.CALL_REQUESTS:
            env = request.env(user=config.user_id, su=False, context={"allowed_company_ids": [config.company_id]})
            try:
                env["telephony.pbx"].browse(pbx_id)._process_event_payloads([form])
            except (ValueError, AccessError) as exc:
                request.env.cr.rollback()
                denied = (400 if isinstance(exc, ValueError) else 403, str(exc))
        if denied:
            return request.make_json_response({"status": "error", "error": denied[1]}, status=denied[0])
        return request.make_json_response({"status": "success"})

    @staticmethod
    def _read_binotel_request(config):
        """(the request's form, None) or (None, (status, message))."""
        httprequest = request.httprequest
        if httprequest.method != "POST":
            return None, (405, "send events with POST")
        denied = config.check_address(httprequest.remote_addr)
        if not denied and (httprequest.content_length or 0) > MAX_BODY:
            denied = (413, "body too large")
        if not denied and not config.user_id:
            denied = (503, "the PBX has no active technical user")
        if denied:
            return None, denied
        form = httprequest.form.to_dict()  # the body, already read by the framework
        denied = binotel.check_company(form, config.account_id)
        return (None, denied) if denied else (form, None)

    @staticmethod
    def _read_zadarma_request(config):
        """(the notification's form, None) or (None, the answer to send at once)."""
        httprequest = request.httprequest
        denied = config.check_address(httprequest.remote_addr)
        if denied:
            return None, _json(denied[0], error=denied[1])
        if httprequest.method != "POST":
            echo = httprequest.args.get("zd_echo")
            return None, (_json(405, error="send events with POST") if echo is None else _text(200, echo))
        if (httprequest.content_length or 0) > MAX_BODY:
            return None, _json(413, error="body too large")
        # the form-encoded body, already read by the framework (first value of each field)
        form = httprequest.form.to_dict()
        if form.get("event") not in zadarma.EVENTS:
            return None, _text(200)  # not a call event: acknowledged, ignored
        denied = config.check_auth(httprequest.headers, b"", form)
        return (None, _json(denied[0], error=denied[1])) if denied else (form, None)

    @staticmethod
    def _read_event_request(config):
        """Authenticate and decode the request: (payload, None) or (None, (status, message))."""
        if not config:
            return None, (404, "unknown PBX")
        if request.httprequest.method != "POST":
            return None, (405, "send events with POST")
        body = request.httprequest.get_data(cache=True)
        denied = config.check_auth(request.httprequest.headers, body)
        if denied:
            return None, denied
        if len(body) > MAX_BODY:
            return None, (413, "body too large")
        try:
            return json.loads(body or b"null"), None
        except ValueError:
            return None, (400, "the body is not JSON")

    @http.route("/telephony/call/<int:call_id>/recording", type="http", auth="user", methods=["GET"])
    def call_recording(self, call_id, **kwargs):
        """Send a user who may see the call to its recording; anyone else gets 404.

        The call is read with the user's own rights (record rules: an agent's calls,
        their teams' missed calls, all calls for managers), never as the superuser.
        """
        call = request.env["telephony.call"].browse(call_id)
        try:
            call.check_access("read")
            url = call.recording_url
        except (AccessError, MissingError):
            url = None
        if not url or not url.startswith(("https://", "http://")):
            return request.not_found()
        try:
            url = call.pbx_id._recording_link(url)  # Zadarma: a temporary link from its API
        except UserError as exc:
            return _text(502, str(exc))
        return request.redirect(url, code=302, local=False)

    @staticmethod
    def _authenticate_sms_provider(provider_id):
        """(the provider as its technical user, None), or (None, (status, message))."""
        provider = request.env(user=SUPERUSER_ID)["telephony.sms.provider"].browse(provider_id).exists()
        if not provider or not provider.active:
            return None, (404, "unknown SMS provider")
        token = request.httprequest.headers.get("X-Telephony-Token") or request.httprequest.args.get("token") or ""
        if not token:
            return None, (401, "missing token")
        if not hmac.compare_digest((provider.dlr_token or "").encode(), token.encode()):
            return None, (403, "wrong token")
        if not provider.user_id.active:
            return None, (503, "the SMS provider has no active technical user")
        return provider._as_technical_user(), None

    @http.route("/telephony/sms/<int:provider_id>/status", **MACHINE_WEBHOOK)
    def sms_delivery_report(self, provider_id, **kwargs):
        """Delivery reports of an HTTP SMS provider (one JSON object or a list).

        Authenticated by the provider's report token, in the X-Telephony-Token
        header or the ``token`` query parameter (for providers that cannot set headers),
        read as the superuser; the reports are then applied as the provider's technical
        user, in the provider's company only.
        """
        provider, error = self._authenticate_sms_provider(provider_id)
        if error:
            return _json(error[0], error=error[1])
        try:
            payload = json.loads(request.httprequest.get_data() or b"null")
        except ValueError:
            return _json(400, error="the body is not JSON")
        reports = payload if isinstance(payload, list) else [payload]
        states = []
        for report in reports:
            try:
                states.append(provider._apply_delivery_report(report))
            except (ValueError, LookupError, AccessError) as exc:
                request.env.cr.rollback()
                status = 400 if isinstance(exc, ValueError) else 404 if isinstance(exc, LookupError) else 403
                return _json(status, error=str(exc))
        return _json(200, states=states)
