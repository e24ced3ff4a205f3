from odoo import fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    provider_id = fields.Many2one("telephony.sms.provider", string="SMS Provider", readonly=True)
    provider_message_id = fields.Char(readonly=True, index="btree_not_null")
    provider_answer = fields.Text(readonly=True, help="Last answer of the SMS provider for this message.")

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Send through the company's HTTP SMS provider when one is configured, else IAP."""
        provider = self.env["telephony.sms.provider"]._get_provider()
        if not provider:
            return super()._send(unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception)
        results = provider._send_sms_records(self)
        all_sms = self.sudo().with_context(sms_skip_msg_notification=True)
        by_uuid = {sms.uuid: sms for sms in all_sms}
        all_sms.sms_tracker_id.write({"provider_id": provider.id})  # whose technical user applies its reports
        for result in results:
            sms = by_uuid[result["uuid"]]
            values = {
                "provider_id": provider.id,
                "provider_message_id": result["message_id"],
                "provider_answer": result["answer"],
            }
            if success_state := self.IAP_TO_SMS_STATE_SUCCESS.get(result["state"]):
                sms.sms_tracker_id._action_update_from_sms_state(success_state)
                to_delete = {"to_delete": True} if unlink_sent else {}
                sms.write({"state": success_state, "failure_type": False, **values, **to_delete})
            else:
                failure_type = self.IAP_TO_SMS_FAILURE_TYPE.get(result["state"], "unknown")
                sms.sms_tracker_id._action_update_from_sms_state(
                    "error", failure_type=failure_type, failure_reason=(result["answer"] or "")[:250]
                )
                to_delete = {"to_delete": True} if unlink_failed else {}
                sms.write({"state": "error", "failure_type": failure_type, **values, **to_delete})
        all_sms.mail_message_id._notify_message_notification_update()
