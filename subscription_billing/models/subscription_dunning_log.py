from odoo import fields, models


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
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("to_print", "To print"), ("failed", "Failed")],
        required=True,
        default="queued",
    )
    error = fields.Char(help="Why the message could not be sent.")
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

    def _deliver(self):
        """Send this message through its step's channel and record how it went."""
        self.ensure_one()
        step, move = self.step_id, self.move_id
        if step.escalation:
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
            # Logged once as failed: the step's key is taken, so it is not retried every day.
            self.write({"state": "failed", "error": problem})
            return
        message = move._message_sms_with_template(
            template=step.sms_template_id, partner_ids=partner.ids, put_in_queue=True
        )
        self.write({"state": "sent", "message_id": message.id})

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
            self.write({"state": "failed", "error": self.env._("The customer has no email address.")})
            return
        message = move.message_post_with_source(
            step.mail_template_id, partner_ids=partner.ids, subtype_xmlid="mail.mt_comment"
        )
        self.write({"state": "sent", "message_id": message.id})
