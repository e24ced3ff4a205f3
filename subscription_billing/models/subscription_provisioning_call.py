import logging

import requests

from odoo import api, fields, models

from ..tools import provisioning

_logger = logging.getLogger(__name__)

TIMEOUT = 10
BATCH = 50


class SubscriptionProvisioningCall(models.Model):
    """One message to the provisioning system, sent and retried with backoff until it is received."""

    _name = "subscription.provisioning.call"
    _description = "Provisioning Call"
    _order = "id desc"

    subscription_id = fields.Many2one("subscription.subscription", required=True, ondelete="cascade", index=True)
    policy_id = fields.Many2one("subscription.suspension.policy", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    event = fields.Selection([("suspend", "Suspend"), ("reactivate", "Reactivate")], required=True)
    date = fields.Date(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Delivered"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    attempt_log = fields.Text(readonly=True, help="One line per attempt: when, and what the system answered.")

    def _payload(self):
        sub = self.subscription_id
        return provisioning.body(self.event, sub.name, sub.partner_id.name, sub.company_id.name, self.date)

    def _attempt(self, now):
        """One try; returns whether the provisioning system took the message."""
        self.ensure_one()
        policy = self.policy_id.sudo()
        payload = self._payload()
        headers = {
            "Content-Type": "application/json",
            "X-Signature": provisioning.signature_header(payload, policy.provisioning_secret or ""),
        }
        try:
            response = requests.post(policy.provisioning_url, data=payload, headers=headers, timeout=TIMEOUT)
            ok, answer = response.ok, f"HTTP {response.status_code} {response.text[:200]}"
        except requests.RequestException as error:
            ok, answer = False, f"{type(error).__name__}: {error}"[:250]
        attempts = self.attempts + 1
        values = {"attempts": attempts, "attempt_log": f"{self.attempt_log or ''}{now} #{attempts}: {answer}\n"}
        if ok:
            values["state"] = "done"
        elif attempts >= policy.max_attempts:
            values["state"] = "failed"
            _logger.warning("Provisioning call %s for %s failed %s times", self.id, self.subscription_id.name, attempts)
        else:
            values["next_attempt"] = now + provisioning.backoff(attempts)
        self.write(values)
        return ok

    @api.model
    def _cron_send_calls(self, now=None):
        now = now or fields.Datetime.now()
        commit = self.env["account.move"]._can_commit()
        self.flush_model()
        self.env.cr.execute(
            """SELECT id FROM subscription_provisioning_call
                WHERE state = 'pending' AND next_attempt <= %s
             ORDER BY next_attempt, id LIMIT %s FOR UPDATE SKIP LOCKED""",
            [now, BATCH],
        )
        calls = self.browse(row[0] for row in self.env.cr.fetchall())
        for call in calls:
            call._attempt(now)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if len(calls) == BATCH:
            self.env.ref("subscription_billing.ir_cron_send_provisioning_calls")._trigger()
        return calls
