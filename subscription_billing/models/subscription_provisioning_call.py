import logging

import requests

from odoo import api, fields, models
from odoo.addons.queue_job.exception import RetryableJobError

from ..tools import provisioning

_logger = logging.getLogger(__name__)

TIMEOUT = 10


class SubscriptionProvisioningCall(models.Model):
    """One message to the provisioning system: a job sends it and retries it with backoff until it is received.

    Each provisioning endpoint (the policy's URL) has a job channel of its own,
    ``root.provisioning.policy_<id>``, which the server configuration gives a capacity
    of 1 (``root.provisioning:N:capacity_default=1``): a slow RADIUS holds up its own
    calls only.
    """

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
    attempt_log = fields.Text(readonly=True, help="When the call was delivered or given up, and the last answer.")
    job_uuid = fields.Char(readonly=True, copy=False, index=True)
    job_state = fields.Char(compute="_compute_job")
    job_error = fields.Char(compute="_compute_job", string="Last Answer", help="What the system answered last time.")
    next_attempt = fields.Datetime(compute="_compute_job", help="When the job tries again.")

    @api.depends("job_uuid", "state")
    def _compute_job(self):
        uuids = [uuid for uuid in self.mapped("job_uuid") if uuid]
        jobs = {job.uuid: job for job in self.env["queue.job"].sudo().search([("uuid", "in", uuids)])}
        states = dict(self.env["queue.job"]._fields["state"]._description_selection(self.env))
        for call in self:
            job = jobs.get(call.job_uuid)
            call.job_state = states.get(job.state) if job else False
            call.job_error = (job.exc_message or job.result) if job else False
            call.next_attempt = job.eta if job and job.state == "pending" else False

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        calls._enqueue()
        return calls

    def _channel(self):
        return f"root.provisioning.policy_{self.policy_id.id}"

    def _enqueue(self):
        for call in self:
            job = call.with_delay(
                channel=call._channel(),
                description=self.env._(
                    "%(event)s %(contract)s at the provisioning system",
                    event=dict(self._fields["event"]._description_selection(self.env))[call.event],
                    contract=call.subscription_id.name,
                ),
                # queue_job fails the job after this many tries; _send ends it itself at the last one
                max_retries=call.policy_id.sudo().max_attempts + 1,
                identity_key=f"subscription_provisioning_call_{call.id}",
            )._send()
            call.job_uuid = job.uuid

    def _payload(self):
        sub = self.subscription_id
        return provisioning.body(self.event, sub.name, sub.partner_id.name, sub.company_id.name, self.date)

    def _post(self):
        """One HTTP request: ``(received, answer)``."""
        policy = self.policy_id.sudo()
        payload = self._payload()
        headers = {
            "Content-Type": "application/json",
            "X-Signature": provisioning.signature_header(payload, policy.provisioning_secret or ""),
        }
        try:
            response = requests.post(policy.provisioning_url, data=payload, headers=headers, timeout=TIMEOUT)
            return response.ok, f"HTTP {response.status_code} {response.text[:200]}"
        except requests.RequestException as error:
            return False, f"{type(error).__name__}: {error}"[:250]

    def _attempt_number(self):
        """This try's number: queue_job counts the tries before it on the job."""
        job = self.env["queue.job"].sudo().search([("uuid", "=", self.env.context.get("job_uuid") or "")], limit=1)
        return job.retry + 1 if job else self.attempts + 1

    def _send(self):
        """Job: one try. Not received: RetryableJobError, tried again after the backoff, until the last attempt."""
        self.ensure_one()
        if self.state != "pending":
            return self.attempt_log
        attempt = self._attempt_number()
        received, answer = self._post()
        max_attempts = self.policy_id.sudo().max_attempts
        if not received and attempt < max_attempts:
            raise RetryableJobError(
                self.env._("Attempt %(attempt)s: %(answer)s", attempt=attempt, answer=answer),
                seconds=int(provisioning.backoff(attempt).total_seconds()),
            )
        if not received:
            _logger.warning("Provisioning call %s for %s failed %s times", self.id, self.subscription_id.name, attempt)
        self.write(
            {
                "state": "done" if received else "failed",
                "attempts": attempt,
                "attempt_log": f"{self.attempt_log or ''}{fields.Datetime.now()} #{attempt}: {answer}\n",
            }
        )
        return answer

    @api.model
    def _cron_send_calls(self):
        """Hand the pending calls that have no job (made before the job queue was used) to the job queue."""
        calls = self.search([("state", "=", "pending"), ("job_uuid", "=", False)])
        calls._enqueue()
        return calls
