from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TelephonyResponseRule(models.Model):
    """A response-time rule: a kind of request (a first contact by phone or email) must be
    answered by a customer invoice (or an offer: a draft invoice) within a working-time limit."""

    _name = "telephony.response.rule"
    _description = "Response-Time Rule"
    _order = "sequence, id"

    name = fields.Char(string="Request Type", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    start_on_call = fields.Boolean(string="Incoming Calls", default=True, help="An incoming call opens a case.")
    start_on_email = fields.Boolean(string="Incoming Emails", default=True, help="An incoming email opens a case.")
    team_ids = fields.Many2many(
        "telephony.team",
        string="Call Teams",
        help="Only the incoming calls to these teams are requests of this type; empty: every incoming call.",
    )
    end_event = fields.Selection(
        [("posted", "Customer invoice posted"), ("created", "Invoice or offer created (draft)")],
        required=True,
        default="posted",
        help="What answers the request: the first customer invoice of the customer after the "
        "contact, when it is posted, or already when it is created as a draft (an offer, a pro-forma).",
    )
    limit = fields.Float(required=True, default=1.0, digits=(16, 2))
    limit_unit = fields.Selection([("days", "Working days"), ("hours", "Working hours")], required=True, default="days")
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="The working hours and holidays the limit counts; a working day counts the calendar's "
        "average hours per day.",
    )

    @api.constrains("limit", "start_on_call", "start_on_email")
    def _check_rule(self):
        for rule in self:
            if rule.limit <= 0:
                raise ValidationError(self.env._("The response limit of %s must be positive.", rule.name))
            if not (rule.start_on_call or rule.start_on_email):
                raise ValidationError(
                    self.env._("The request type %s starts with neither a call nor an email.", rule.name)
                )

    @api.constrains("calendar_id", "limit_unit")
    def _check_calendar(self):
        for rule in self:
            if rule.limit_unit == "days" and rule.calendar_id.hours_per_day <= 0:
                raise ValidationError(
                    self.env._("The working calendar %s has no working hours per day.", rule.calendar_id.name)
                )
