import json
import logging
import secrets

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import phone, sms_gateway
from .res_users import SMS_GROUP

_logger = logging.getLogger(__name__)


class TelephonySmsProvider(models.Model):
    _name = "telephony.sms.provider"
    _description = "HTTP SMS Provider"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    url = fields.Char(
        string="Send URL",
        required=True,
        help="Address the SMS are posted to. demo: sends nothing: every SMS is marked sent (demo databases).",
    )
    content_type = fields.Selection(
        [("json", "JSON body"), ("form", "Form fields")], required=True, default="json", string="Request Format"
    )
    auth_type = fields.Selection(
        [("none", "None"), ("basic", "HTTP Basic"), ("bearer", "Bearer token"), ("header", "API key header")],
        string="Authentication",
        required=True,
        default="bearer",
    )
    auth_username = fields.Char(string="User", groups="telephony_bridge.group_telephony_bridge_manager")
    auth_secret = fields.Char(string="Password / Token / Key", groups="telephony_bridge.group_telephony_bridge_manager")
    auth_header_name = fields.Char(string="API Key Header", default="X-API-Key")
    sender = fields.Char(help="Sender name or number, available in the template as {sender}.")
    request_template = fields.Text(
        required=True,
        default=sms_gateway.DEFAULT_TEMPLATE,
        help="JSON object sent for each SMS. Placeholders: {number} (E.164), {body}, {sender}, "
        "{reference} (Odoo's id of the SMS, sent back in delivery reports).",
    )
    success_path = fields.Char(
        help="Dotted path in the JSON answer whose value tells success (e.g. status). Empty: any HTTP 2xx succeeds."
    )
    success_value = fields.Char(help="Value expected at the success path (e.g. ok).")
    message_id_path = fields.Char(help="Dotted path of the provider's message id.")
    timeout = fields.Integer(default=10, help="Seconds to wait for the provider.")
    default_country_id = fields.Many2one("res.country", help="Country used to read numbers written without prefix.")
    dlr_token = fields.Char(
        string="Delivery Report Token",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        groups="telephony_bridge.group_telephony_bridge_manager",
    )
    dlr_reference_path = fields.Char(string="Report Reference Path", default="reference")
    dlr_status_path = fields.Char(string="Report Status Path", default="status")
    dlr_url = fields.Char(string="Delivery Report URL", compute="_compute_dlr_url")
    user_id = fields.Many2one(
        "res.users",
        string="Technical User",
        copy=False,
        ondelete="restrict",
        domain=lambda self: [("groups_id", "in", self.env.ref(SMS_GROUP).ids)],
        help="The user the provider's delivery reports are applied as, once authenticated: created with the "
        "provider, member of the group Telephony: SMS gateway integration only, in the provider's company only, "
        "without password.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        self.env["res.users"]._telephony_create_technical_users(
            providers.filtered(lambda provider: not provider.user_id), SMS_GROUP, "telephony_sms_provider"
        )
        return providers

    def write(self, vals):
        if "company_id" in vals and "user_id" not in vals:
            company = self.env["res.company"].browse(vals["company_id"])
            for provider in self.filtered(lambda p: p.user_id and p.company_id != company):
                provider.user_id._telephony_follow_company(provider, company)
        return super().write(vals)

    def unlink(self):
        users = self.user_id
        result = super().unlink()
        still_used = self.sudo().with_context(active_test=False).search([("user_id", "in", users.ids)]).user_id
        (users - still_used).sudo().active = False
        return result

    @api.constrains("user_id", "company_id")
    def _check_user_id(self):
        for provider in self.filtered("user_id"):
            provider.user_id._telephony_check_technical_user(SMS_GROUP, provider)

    def _as_technical_user(self):
        """The provider in the environment of its technical user, in its company only."""
        self.ensure_one()
        context = dict(self.env.context, allowed_company_ids=self.company_id.ids)
        return self.with_env(self.env(user=self.sudo().user_id.id, su=False, context=context))

    @api.constrains("request_template")
    def _check_request_template(self):
        for provider in self:
            try:
                sms_gateway.parse_template(provider.request_template)
            except ValueError as exc:
                raise ValidationError(_("Provider %(name)s: %(error)s", name=provider.name, error=exc)) from exc

    def _compute_dlr_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for provider in self:
            provider.dlr_url = f"{base_url}/telephony/sms/{provider.id}/status" if provider.id else False

    @api.model
    def _get_provider(self, company=None):
        """The active provider of ``company`` (default: current company), or an empty recordset."""
        company = company or self.env.company
        return self.sudo().search([("company_id", "in", [company.id, False])], limit=1)

    def _region(self):
        country = self.default_country_id or self.company_id.telephony_default_country_id or self.company_id.country_id
        return country.code

    def _request_kwargs(self, data):
        self.ensure_one()
        provider = self.sudo()
        kwargs = {"headers": {}}
        if provider.auth_type == "basic":
            kwargs["auth"] = (provider.auth_username or "", provider.auth_secret or "")
        elif provider.auth_type == "bearer":
            kwargs["headers"]["Authorization"] = f"Bearer {provider.auth_secret or ''}"
        elif provider.auth_type == "header":
            kwargs["headers"][provider.auth_header_name or "X-API-Key"] = provider.auth_secret or ""
        if provider.content_type == "form":
            kwargs["data"] = {
                key: value if isinstance(value, str) else json.dumps(value) for key, value in data.items()
            }
        else:
            kwargs["json"] = data
        return kwargs

    def _send_one(self, number, body, reference):
        """Send one SMS; return (iap-like state, provider message id, provider answer).

        The demo provider answers "delivered" at once: no delivery report will ever come.
        """
        self.ensure_one()
        e164 = phone.to_e164(number, self._region())
        if not e164:
            return "wrong_number_format", None, _("Not a phone number: %s", number or "")
        if self.url == sms_gateway.DEMO_URL:
            _logger.info("Demo SMS provider %s: SMS %s to %s not sent anywhere", self.name, reference, e164)
            return "delivered", f"demo-{reference}", json.dumps({"status": "delivered", "demo": True})
        data = sms_gateway.render_request(
            self.request_template, {"number": e164, "body": body or "", "sender": self.sender, "reference": reference}
        )
        try:
            response = requests.post(self.url, timeout=self.timeout or 10, **self._request_kwargs(data))
        except requests.RequestException as exc:
            return "server_error", None, str(exc)
        ok, message_id, answer = sms_gateway.parse_send_answer(
            response.status_code, response.text, self.success_path, self.success_value, self.message_id_path
        )
        return ("success" if ok else "server_error"), message_id, answer

    def _send_sms_records(self, sms_records):
        """Send ``sms.sms`` records one request each; return core-style results."""
        self.ensure_one()
        results = []
        for sms in sms_records:
            state, message_id, answer = self._send_one(sms.number, sms.body, sms.uuid)
            results.append({"uuid": sms.uuid, "state": state, "message_id": message_id, "answer": answer})
            if state not in ("success", "delivered"):
                _logger.warning("SMS %s to %s refused by provider %s: %s", sms.id, sms.number, self.name, answer)
        return results

    def _apply_delivery_report(self, payload):
        """Update the SMS and its notifications from one delivery report; return the state.

        Runs as the provider's technical user (:meth:`_as_technical_user`): its record rules
        let it see and update the SMS sent through the providers of its company only.
        """
        self.ensure_one()
        if self.env.su or self.env.uid != self.sudo().user_id.id:
            raise AccessError(self.env._("Delivery reports are applied as the technical user of their provider only."))
        reference = sms_gateway.dig(payload, self.dlr_reference_path or "reference")
        status = sms_gateway.dig(payload, self.dlr_status_path or "status")
        if not reference:
            raise ValueError("the report has no reference")
        state, failure_type = sms_gateway.delivery_state(status)
        sms = self.env["sms.sms"].search([("uuid", "=", str(reference))])
        trackers = self.env["sms.tracker"].search([("sms_uuid", "=", str(reference))])
        if not sms and not trackers:
            raise LookupError(f"unknown SMS reference {reference!r}")
        # sms.sms only knows sending failures; the precise delivery failure goes to the
        # message's notification through its tracker, as Odoo's own IAP reports do
        sms_failure = failure_type if failure_type in dict(sms._fields["failure_type"].selection) else "unknown"
        sms.write(
            {
                "state": state,
                "failure_type": sms_failure if failure_type else False,
                "provider_answer": json.dumps(payload),
            }
        )
        if failure_type:
            trackers._action_update_from_provider_error(failure_type.removeprefix("sms_"))
        else:
            trackers._action_update_from_sms_state(state)
        return state
