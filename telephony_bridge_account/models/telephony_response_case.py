import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import response_time

_logger = logging.getLogger(__name__)


def _utc(value):
    return value.replace(tzinfo=pytz.utc)


def _naive_utc(value):
    return value.astimezone(pytz.utc).replace(tzinfo=None)


class TelephonyResponseCase(models.Model):
    """One request of a customer measured against its rule: from the first contact (a call,
    an email) to the first customer invoice after it."""

    _name = "telephony.response.case"
    _description = "Response-Time Case"
    _order = "start_datetime desc, id desc"

    rule_id = fields.Many2one("telephony.response.rule", string="Request Type", required=True, index=True)
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('parent_id', '=', False)]"
    )
    manager_id = fields.Many2one(
        "res.users",
        index=True,
        help="Who answers the request: the agent who took the call, or the customer's salesperson.",
    )
    source = fields.Selection([("call", "Call"), ("email", "Email"), ("manual", "Entered by hand")], default="manual")
    call_id = fields.Many2one("telephony.call", index="btree_not_null", ondelete="set null")
    message_id = fields.Many2one("mail.message", string="Email", index="btree_not_null", ondelete="set null")
    start_datetime = fields.Datetime(string="First Contact", required=True, default=fields.Datetime.now, index=True)
    deadline = fields.Datetime(compute="_compute_deadline", store=True)
    end_datetime = fields.Datetime(string="Answered At", readonly=True, copy=False)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False, index="btree_not_null")
    # The state and the figures follow from the deadline and the answer, computed by the
    # ORM whoever answers (the billing clerk posting the invoice); the cron recomputes the
    # unanswered cases whose deadline has passed.
    state = fields.Selection(
        [("open", "Open"), ("on_time", "On Time"), ("late", "Late")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    response_hours = fields.Float(
        string="Response Time (working h)",
        compute="_compute_state",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Working hours from the first contact to the answer. "
        "Its average in reports counts the answered cases only.",
    )
    delay_hours = fields.Float(
        string="Delay (working h)",
        compute="_compute_state",
        store=True,
        digits=(16, 2),
        aggregator="sum",
        help="Working hours from the deadline to the answer; 0 when answered on time.",
    )
    # The share on time of a group of cases (a manager, a month) is the ratio of these
    # sums (see _read_group_select); open cases count in neither.
    decided_count = fields.Integer(string="Cases Decided", compute="_compute_state", store=True, aggregator="sum")
    on_time_count = fields.Integer(string="Cases On Time", compute="_compute_state", store=True, aggregator="sum")
    late_count = fields.Integer(string="Cases Late", compute="_compute_state", store=True, aggregator="sum")
    on_time_rate = fields.Float(
        string="On Time (%)",
        compute="_compute_state",
        store=True,
        aggregator="avg",
        help="Cases answered in time out of the cases answered or overdue; open cases within their limit do not count.",
    )

    @api.depends("rule_id", "partner_id", "start_datetime")
    def _compute_display_name(self):
        for case in self:
            case.display_name = f"{case.rule_id.name or ''}: {case.partner_id.display_name or ''}"

    @api.depends("start_datetime", "rule_id.limit", "rule_id.limit_unit", "rule_id.calendar_id")
    def _compute_deadline(self):
        for case in self:
            rule = case.rule_id
            if not (rule and case.start_datetime):
                case.deadline = False
                continue
            try:
                hours = response_time.limit_hours(rule.limit, rule.limit_unit, rule.calendar_id.hours_per_day)
            except ValueError:
                # a calendar whose hours per day were set to 0 after the rule was made (the
                # rule's own constraints refuse a bad limit, translated): no deadline
                _logger.warning("Response-time rule %s has no valid limit: case %s gets no deadline", rule.id, case.id)
                case.deadline = False
                continue
            end = rule.calendar_id.plan_hours(hours, _utc(case.start_datetime), compute_leaves=True)
            # no working time in the calendar's next years: the case can never be late
            case.deadline = _naive_utc(end) if end else case.start_datetime + timedelta(days=36500)

    @api.depends("deadline", "end_datetime", "start_datetime", "rule_id.calendar_id")
    def _compute_state(self):
        now = fields.Datetime.now()
        for case in self:
            case.state = response_time.case_state(case.deadline, case.end_datetime, now)
            case.decided_count, case.on_time_count, case.late_count = response_time.counts(case.state)
            case.on_time_rate = 100.0 * case.on_time_count
            calendar = case.rule_id.calendar_id
            answered = case.end_datetime and case.start_datetime and calendar
            case.response_hours = (
                calendar.get_work_hours_count(_utc(case.start_datetime), _utc(case.end_datetime)) if answered else 0.0
            )
            case.delay_hours = (
                calendar.get_work_hours_count(_utc(case.deadline), _utc(case.end_datetime))
                if answered and case.state == response_time.LATE
                else 0.0
            )

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if fname == "on_time_rate" and func in ("avg", "sum", "max", "min"):
            super()._read_group_select(aggregate_spec, query)  # checks the field is readable
            part = self._field_to_sql(self._table, "on_time_count", query)
            whole = self._field_to_sql(self._table, "decided_count", query)
            return SQL("ROUND(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 2)::float8", part, whole)
        if aggregate_spec == "response_hours:avg":
            # an open case stores 0 hours (the ORM stores no empty float): the average
            # counts the answered cases only
            hours = self._field_to_sql(self._table, "response_hours", query)
            end = self._field_to_sql(self._table, "end_datetime", query)
            return SQL("AVG(CASE WHEN %s IS NOT NULL THEN %s END)", end, hours)
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Opening and closing
    # ------------------------------------------------------------------
    @api.model
    def _open_cases_safely(self, requests):
        """:meth:`_open_cases` that never fails what opens them (a call event of the PBX, a
        call logged by hand, an incoming email): a case that cannot be opened is logged and
        left out, the call or the email is recorded all the same."""
        if not self.has_access("create"):
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self._open_cases(requests)
        except Exception:
            _logger.exception("Response-time cases could not be opened")
            return self.browse()

    @api.model
    def _open_cases(self, requests):
        """Open a case for each of ``requests`` (dicts: partner, source, start, call or message,
        manager, company, team) under each rule of its company the request starts, unless the
        customer has an open case of that rule already. Returns the cases opened."""
        requests = [request for request in requests if request["partner"]]
        if not requests:
            return self.browse()
        rules = self.env["telephony.response.rule"].search(
            [("company_id", "in", list({request["company"].id for request in requests}))]
        )
        if not rules:
            return self.browse()
        partners = self.env["res.partner"].browse(
            list({request["partner"].commercial_partner_id.id for request in requests})
        )
        # The open cases of the customer, whoever answers them: an agent sees only their own
        # cases but must not open a duplicate of a colleague's. Only the pairs of ids are read,
        # to decide not to create: nothing of the colleagues' cases reaches the agent.
        pending = {
            (partner.id, rule.id)
            for partner, rule in self.sudo()._read_group(
                [("partner_id", "in", partners.ids), ("rule_id", "in", rules.ids), ("end_datetime", "=", False)],
                ["partner_id", "rule_id"],
            )
        }
        vals_list = []
        for request in requests:
            partner = request["partner"].commercial_partner_id
            for rule in rules.filtered(lambda r, req=request: r.company_id == req["company"]):
                if not rule[f"start_on_{request['source']}"]:
                    continue
                if request["source"] == "call" and rule.team_ids and request.get("team") not in rule.team_ids:
                    continue
                if (partner.id, rule.id) in pending:
                    continue
                pending.add((partner.id, rule.id))
                vals_list.append(
                    {
                        "rule_id": rule.id,
                        "partner_id": partner.id,
                        "manager_id": (request.get("manager") or partner.user_id).id,
                        "source": request["source"],
                        "call_id": request.get("call", self.env["telephony.call"]).id,
                        "message_id": request.get("message", self.env["mail.message"]).id,
                        "start_datetime": request["start"],
                    }
                )
        # only the cases the user may create (an agent: their own; the record rules of create)
        if vals_list and not self.env.su:
            allowed = self.env["ir.rule"]._compute_domain(self._name, "create")
            if allowed:
                vals_list = [vals for vals in vals_list if self.new(vals).filtered_domain(allowed)]
        return self.create(vals_list)

    @api.model
    def _close_cases(self, moves, end_event):
        """Answer the open cases of the customers of ``moves`` (customer invoices) whose rule
        ends with ``end_event``: the first invoice after the contact answers them."""
        now = fields.Datetime.now()
        cases = self.search(
            [
                ("partner_id", "in", moves.commercial_partner_id.ids),
                ("rule_id.end_event", "=", end_event),
                ("end_datetime", "=", False),
                ("start_datetime", "<=", now),
            ]
        )
        for move in moves:
            answered = cases.filtered(
                lambda c, m=move: c.partner_id == m.commercial_partner_id and c.company_id == m.company_id
            )
            if answered:
                answered.write({"end_datetime": now, "invoice_id": move.id})
                cases -= answered
        return cases

    @api.model
    def _cron_flag_late(self, limit=5000):
        """Cron: flag the unanswered cases past their deadline as late, a batch at a time
        (the scheduler runs the cron again while its progress says some are left)."""
        domain = [("state", "=", "open"), ("deadline", "<", fields.Datetime.now())]
        overdue = self.search(domain, limit=limit, order="deadline, id")
        self.env.add_to_compute(self._fields["state"], overdue)
        overdue.flush_recordset(["state"])  # now, at the time that makes them late
        remaining = self.search_count(domain) if len(overdue) == limit else 0
        _logger.info("%s response-time cases flagged late, %s left", len(overdue), remaining)
        self.env["ir.cron"]._notify_progress(done=len(overdue), remaining=remaining)
        return overdue
