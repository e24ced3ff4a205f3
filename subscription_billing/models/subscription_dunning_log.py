from odoo import api, fields, models

from ..tools import dunning


class SubscriptionDunningLog(models.Model):
    """One message of a dunning step for one invoice: what was sent, when, and how it went.

    The UNIQUE key (invoice, step, repeat) is what makes a step impossible to send twice:
    the cron inserts the log line first and sends only when the insert went through.
    """

    _name = "subscription.dunning.log"
    _description = "Dunning Message"
    _order = "date desc, id desc"
    _rec_name = "step_id"

    move_id = fields.Many2one("account.move", "Invoice", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    policy_id = fields.Many2one("subscription.dunning.policy", required=True, ondelete="cascade")
    step_id = fields.Many2one("subscription.dunning.step", required=True, ondelete="cascade")
    repeat = fields.Integer(help="0 for the step's first message, 1 for its first repeat...")
    date = fields.Date(required=True, index=True)
    channel = fields.Selection(related="step_id.channel", store=True)
    # The state of an email or SMS follows its notification for the customer, as Odoo's
    # mail queue, bounce handling and SMS tracker (provider answers, delivery reports)
    # update it; a task or a letter, or a message that could not be sent at all, keeps
    # the state written when it was sent.
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("to_print", "To print"),
            ("failed", "Failed"),
        ],
        required=True,
        default="queued",
        compute="_compute_delivery",
        store=True,
        readonly=False,
        help="Queued: waiting in Odoo's outgoing queue. Sent: handed to the mail server or SMS provider. "
        "Delivered: the SMS provider reported it delivered. Failed: see the reason.",
    )
    error = fields.Char(
        string="Reason",
        compute="_compute_delivery",
        store=True,
        readonly=False,
        help="Why the message could not be sent or delivered, as the mail server or SMS provider said.",
    )
    failure_type = fields.Char(
        compute="_compute_delivery",
        store=True,
        readonly=False,
        help="Odoo's code of the failure: decides whether the message may be sent again.",
    )
    attempt_count = fields.Integer(
        string="Attempts", default=1, help="How many times the message was sent; more than 1 after retries."
    )
    attempt_date = fields.Date(string="Last Attempt")
    amount_residual = fields.Monetary("Amount Due", currency_field="currency_id")
    currency_id = fields.Many2one(related="move_id.currency_id")
    message_id = fields.Many2one("mail.message", readonly=True)

    _sql_constraints = [
        (
            "step_once_per_invoice",
            "UNIQUE(move_id, step_id, repeat)",
            "A dunning step is sent only once per invoice and repeat.",
        )
    ]

    @api.depends(
        "message_id.notification_ids.notification_status",
        "message_id.notification_ids.failure_type",
        "message_id.notification_ids.failure_reason",
    )
    def _compute_delivery(self):
        for log in self:
            notification = log._delivery_notification()
            state = dunning.delivery_state(notification.notification_status, email=log.channel == "email")
            if not state:
                continue  # nothing sent through a notification: the state written when sending stays
            log.state = state
            if state == "failed":
                log.failure_type = notification.failure_type or "unknown"
                log.error = log._failure_text(notification.failure_type, notification.failure_reason)
            else:
                log.failure_type = log.error = False

    def _delivery_notification(self):
        self.ensure_one()
        kind = {"sms": "sms", "email": "email"}.get(self.channel)
        if not kind or not self.message_id:
            return self.env["mail.notification"]
        return self.message_id.notification_ids.filtered(
            lambda notification: (
                notification.notification_type == kind and notification.res_partner_id == self.partner_id
            )
        )[:1]

    def _failure_text(self, failure_type, reason=False):
        """The failure as a user reads it: Odoo's label of its type, then the provider's words."""
        labels = {
            **dict(self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env)),
            **dict(self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env)),
        }
        label = labels.get(failure_type) if failure_type else False
        return ": ".join(part for part in (label, reason) if part) or self.env._("Unknown error")

    def _fail(self, failure_type, reason=False):
        self.write({"state": "failed", "failure_type": failure_type, "error": self._failure_text(failure_type, reason)})

    def _deliver(self):
        """Send this message through its step's channel and record how it went."""
        self.ensure_one()
        step, move = self.step_id, self.move_id
        if not self.attempt_date:
            self.attempt_date = self.date
        if step.escalation and self.attempt_count == 1:
            self.env["subscription.collection.case"]._open_for(move, self)
        if step.channel == "sms":
            self._deliver_sms(move, step)
        elif step.channel == "email":
            self._deliver_email(move, step)
        elif step.channel == "activity":
            user = step.activity_user_id or self.policy_id.collection_user_id or self.env.user
            move.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date,
                summary=step.name,
                note=self.env._("%(step)s: %(amount)s due", step=step.name, amount=move.amount_residual),
                user_id=user.id,
            )
            self.state = "sent"
        else:  # a printed letter: listed to print, the invoice report is the letter's content
            self.state = "to_print"

    def _deliver_sms(self, move, step):
        partner = move.partner_id
        problem = self._sms_number_problem(partner)
        if problem:
            # Logged as failed: the step's key is taken, so it is not sent again every day.
            self._fail(problem)
            return
        message = move._message_sms_with_template(
            template=step.sms_template_id, partner_ids=partner.ids, put_in_queue=True
        )
        # its state now follows the SMS's notification (see _compute_delivery)
        self.write({"message_id": message.id})

    def _sms_number_problem(self, partner):
        """Why the customer cannot get an SMS (Odoo's failure types), or False."""
        number = partner.mobile or partner.phone
        if not number:
            return "sms_number_missing"
        sanitized = partner._phone_format(number=number)
        if not sanitized:
            return "sms_number_format"
        if self.env["phone.blacklist"].sudo().search_count([("number", "=", sanitized)], limit=1):
            return "sms_blacklist"
        return False

    def _deliver_email(self, move, step):
        partner = move.partner_id
        if not partner.email:
            self._fail("mail_email_missing", self.env._("The customer has no email address."))
            return
        message = move.message_post_with_source(
            step.mail_template_id, partner_ids=partner.ids, subtype_xmlid="mail.mt_comment"
        )
        self.write({"message_id": message.id})

    def _retry(self, today):
        """Send these failed messages again (the policy allows it): a new attempt each."""
        for log in self:
            log.write(
                {
                    "attempt_count": log.attempt_count + 1,
                    "attempt_date": today,
                    "state": "queued",
                    "error": False,
                    "failure_type": False,
                    "message_id": False,
                }
            )
        self.env["subscription.dunning.policy"]._send(self)
