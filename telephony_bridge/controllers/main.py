import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024


def _json(status, **body):
    return request.make_json_response(body, status=status)


class TelephonyController(http.Controller):
    @http.route(
        "/telephony/pbx/<int:pbx_id>/event",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def pbx_event(self, pbx_id, **kwargs):
        """Receive one call event (or a JSON list of events) from a PBX.

        Authenticated by the PBX's secret (token header or HMAC-SHA256 signature of
        the raw body); runs as the superuser restricted to the PBX's company.
        """
        env = request.env(user=SUPERUSER_ID)
        pbx = env["telephony.pbx"].browse(pbx_id).exists()
        payload, error = self._read_event_request(pbx)
        if error:
            return _json(error[0], error=error[1])
        payloads = payload if isinstance(payload, list) else [payload]
        pbx = pbx.with_company(pbx.company_id)
        calls = []
        for item in payloads:
            try:
                call = pbx._process_event_payload(item)
            except ValueError as exc:
                request.env.cr.rollback()
                return _json(400, error=str(exc))
            calls.append({"id": call.id, "call_id": call.pbx_call_id, "state": call.state})
        if isinstance(payload, list):
            return _json(200, calls=calls)
        return _json(200, **calls[0])

    @staticmethod
    def _read_event_request(pbx):
        """Authenticate and decode the request: (payload, None) or (None, (status, message))."""
        if not pbx or not pbx.active:
            return None, (404, "unknown PBX")
        body = request.httprequest.get_data(cache=True)
        denied = pbx._check_event_auth(request.httprequest.headers, body)
        if denied:
            return None, denied
        if len(body) > MAX_BODY:
            return None, (413, "body too large")
        try:
            return json.loads(body or b"null"), None
        except ValueError:
            return None, (400, "the body is not JSON")
