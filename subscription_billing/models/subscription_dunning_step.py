from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import dunning


class SubscriptionDunningStep(models.Model):
    _name = "subscription.dunning.step"
    _description = "Dunning Step"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one("subscription.dunning.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    anchor = fields.Selection(
        [
            ("invoice_date", "Invoice date"),
            ("due_date", "Due date"),
            ("payment_date", "Payment (thank you)"),
        ],
        string="Relative To",
        required=True,
        default="due_date",
    )
    offset_days = fields.Integer(
        "Days", help="Days after the date the step is relative to; negative for before (-2: two days before)."
    )
    repeat_every_days = fields.Integer("Repeat Every (days)", help="0: sent once. Otherwise repeated while unpaid.")
    repeat_until_days = fields.Integer(
        "Repeat Until (days)", help="Last day a repeat may fall on, counted like 'Days' from the same date."
    )
    channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email"), ("activity", "Task"), ("letter", "Printed letter")],
        required=True,
        default="sms",
    )
    sms_template_id = fields.Many2one("sms.template", "SMS Template", domain=[("model", "=", "account.move")])
    mail_template_id = fields.Many2one("mail.template", "Email Template", domain=[("model", "=", "account.move")])
    activity_user_id = fields.Many2one(
        "res.users", "Task For", help="Who gets the task; empty: the policy's collections user."
    )
    escalation = fields.Boolean(
        help="Final step: reminders stop, the customer is flagged for collection and the collections user gets a task."
    )

    @api.constrains("anchor", "offset_days", "repeat_every_days", "repeat_until_days", "escalation")
    def _check_schedule(self):
        for step in self:
            try:
                step._as_schedule_step()
            except ValueError as error:
                raise ValidationError(self.env._("Step %(step)s: %(error)s", step=step.name, error=error)) from error

    @api.constrains("channel", "sms_template_id", "mail_template_id")
    def _check_template(self):
        for step in self:
            if step.channel == "sms" and not step.sms_template_id:
                raise ValidationError(self.env._("Step %s sends an SMS: choose its SMS template.", step.name))
            if step.channel == "email" and not step.mail_template_id:
                raise ValidationError(self.env._("Step %s sends an email: choose its email template.", step.name))

    def _as_schedule_step(self):
        return dunning.Step(
            id=self.id,
            anchor=self.anchor,
            offset_days=self.offset_days,
            repeat_every_days=self.repeat_every_days,
            repeat_until_days=self.repeat_until_days,
            escalation=self.escalation,
            sequence=self.sequence,
        )
