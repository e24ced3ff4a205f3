import functools
import logging
from datetime import datetime

from psycopg2.extensions import (
    ISOLATION_LEVEL_READ_COMMITTED,
    ISOLATION_LEVEL_REPEATABLE_READ,
    TRANSACTION_STATUS_IDLE,
)
from psycopg2.extras import Json as PsycopgJson

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import drop_index, make_index_name

from ..tools import ami, call_events, call_stats, phone, support_time

_logger = logging.getLogger(__name__)

INCOMING_CALL_NOTIFICATION = "telephony_bridge/incoming_call"

# Columns of telephony_call written from the folded events of a call (TelephonyCall._state_values).
STATE_COLUMNS = (
    "event_state",
    "direction",
    "state",
    "caller_number",
    "callee_number",
    "remote_number",
    "remote_e164",
    "number_kind",
    "start_date",
    "answer_date",
    "end_date",
    "ring_seconds",
    "talk_seconds",
    "talk_minutes",
    "incoming_count",
    "answered_count",
    "missed_count",
    "answered_rate",
    "missed_rate",
    "hangup_cause",
    "transferred",
    "recording_url",
    "extension",
    "partner_id",
    "agent_id",
    "first_agent_id",
    "team_id",
)
# What folding an event reads of the call's row, besides its id.
_LOCKED_COLUMNS = (
    "event_state",
    "remote_e164",
    "partner_id",
    "extension",
    "agent_id",
    "team_id",
    "callback_call_id",
    "is_callback",
)
# The row of a call before any event: nothing known.
_NEW_ROW = dict.fromkeys(_LOCKED_COLUMNS) | {"is_callback": False}
_NEW_CALL_VALUES = dict.fromkeys(STATE_COLUMNS) | {
    "direction": "inbound",
    "state": "ringing",
    "ring_seconds": 0,
    "talk_seconds": 0,
    "talk_minutes": 0.0,
    "incoming_count": 0,
    "answered_count": 0,
    "missed_count": 0,
    "answered_rate": 0.0,
    "missed_rate": 0.0,
    "transferred": False,
}
_INSERT_CALL = f"""
    INSERT INTO telephony_call
           (pbx_id, pbx_call_id, company_id, create_uid, write_uid, create_date, write_date,
            processed, is_callback, callback_count, callback_delay_minutes, {", ".join(STATE_COLUMNS)})
    VALUES (%s, %s, %s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
            false, false, 0, 0.0, {", ".join(["%s"] * len(STATE_COLUMNS))})
    ON CONFLICT (pbx_id, pbx_call_id) DO NOTHING
    RETURNING id
"""
# The statements below write as the PBX's technical user (create_uid, write_uid) and
# only the calls of the PBX's company, which is that user's company (_check_pbx_user).
_SELECT_LOCKED = (
    f"SELECT id, {', '.join(_LOCKED_COLUMNS)} FROM telephony_call"
    " WHERE pbx_id = %s AND pbx_call_id = %s AND company_id = %s FOR UPDATE"
)
_DELETE_MERGED = "DELETE FROM telephony_call WHERE pbx_id = %s AND pbx_call_id = %s AND company_id = %s RETURNING id"
_LEG_COLUMNS = (
    "sequence",
    "extension",
    "agent_id",
    "transferred_from_extension",
    "transferred_from_id",
    "start_date",
    "answer_date",
    "end_date",
    "talk_seconds",
    "talk_minutes",
)
_DELETE_LEGS = "DELETE FROM telephony_call_leg WHERE call_id = %s AND company_id = %s"
_INSERT_LEG = f"""
    INSERT INTO telephony_call_leg
           (call_id, company_id, create_uid, write_uid, create_date, write_date, {", ".join(_LEG_COLUMNS)})
    VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
            {", ".join(["%s"] * len(_LEG_COLUMNS))})
"""
_UPDATE_STATE = (
    "UPDATE telephony_call SET "
    + ", ".join(f'"{column}" = %s' for column in STATE_COLUMNS)
    + ", write_uid = %s, write_date = now() AT TIME ZONE 'UTC' WHERE id = %s AND company_id = %s"
)


def _dt(value):
    return value.isoformat() if value else None


def _parse_dt(value):
    return datetime.fromisoformat(value) if value else None


class TelephonyCall(models.Model):
    _name = "telephony.call"
    _description = "Phone Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"
    _rec_name = "remote_number"

    # Indexes: this table takes an UPDATE per call event, and every index is written
    # again by an UPDATE that changes one of its columns. Only selective lookups have
    # one: the call id (the unique constraint, which also serves pbx_id), the number,
    # contact, agent, start date and callback. Direction, state, processed and company
    # select large shares of the table and are not indexed.
    pbx_id = fields.Many2one("telephony.pbx", string="PBX", required=True, ondelete="cascade")
    pbx_call_id = fields.Char(string="PBX Call ID", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    direction = fields.Selection([("inbound", "Incoming"), ("outbound", "Outgoing")], default="inbound")
    state = fields.Selection(
        [
            ("ringing", "Ringing"),
            ("answered", "Answered"),
            ("missed", "Missed"),
            ("busy", "Busy"),
            ("failed", "Failed"),
        ],
        required=True,
        default="ringing",
    )
    caller_number = fields.Char(help="Number of the caller as the PBX sent it.")
    callee_number = fields.Char(string="Called Number", help="Number called as the PBX sent it.")
    remote_number = fields.Char(
        string="Number",
        help="The customer's side: the caller of an incoming call, the called number of an outgoing one.",
    )
    remote_e164 = fields.Char(string="Number (E.164)", index="btree_not_null")
    number_kind = fields.Selection(
        [("valid", "Valid"), ("anonymous", "Anonymous"), ("malformed", "Malformed")], string="Number Type"
    )
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null")
    matched_partner_ids = fields.Many2many(
        "res.partner", string="Contacts With This Number", compute="_compute_matched_partner_ids"
    )
    matched_partner_count = fields.Integer(compute="_compute_matched_partner_ids")
    extension = fields.Char()
    agent_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        help="The agent who had the call last: the final one of a transferred call.",
    )
    first_agent_id = fields.Many2one(
        "res.users", string="First Answered By", index="btree_not_null", help="The agent who answered the call first."
    )
    leg_ids = fields.One2many("telephony.call.leg", "call_id", string="Legs")
    team_id = fields.Many2one(
        "telephony.team",
        help="The team of the agent the call rang, or the PBX's default team: its members see the call if missed.",
    )
    start_date = fields.Datetime(string="Start", index=True)
    answer_date = fields.Datetime(string="Answered At")
    end_date = fields.Datetime(string="End")
    ring_seconds = fields.Integer(string="Ring Time (s)", aggregator="avg")
    talk_seconds = fields.Integer(string="Talk Time (s)", aggregator="sum")
    talk_minutes = fields.Float(string="Talk Time (min)", digits=(16, 2), aggregator="avg")
    # The rates of a group of calls are ratios of these counts (see _read_group_select),
    # whether a call was logged from PBX events (written with the other state columns)
    # or created through the ORM (computed): a user can check them in the call list.
    incoming_count = fields.Integer(
        string="Incoming Calls",
        compute="_compute_call_counts",
        store=True,
        aggregator="sum",
        help="1 for an incoming call that has ended (one still ringing is not counted yet), 0 otherwise.",
    )
    answered_count = fields.Integer(
        string="Answered Incoming Calls", compute="_compute_call_counts", store=True, aggregator="sum"
    )
    missed_count = fields.Integer(
        string="Missed Incoming Calls",
        compute="_compute_call_counts",
        store=True,
        aggregator="sum",
        help="Incoming calls nobody answered: missed, busy or failed, as in the Missed Calls list.",
    )
    answered_rate = fields.Float(
        string="Answered (%)",
        compute="_compute_call_counts",
        store=True,
        aggregator="avg",
        help="Answered incoming calls out of the incoming calls. Outgoing calls count in no rate.",
    )
    missed_rate = fields.Float(
        string="Missed (%)",
        compute="_compute_call_counts",
        store=True,
        aggregator="avg",
        help="Missed incoming calls out of the incoming calls. Outgoing calls count in no rate.",
    )
    hangup_cause = fields.Char()
    transferred = fields.Boolean()
    recording_url = fields.Char(string="Recording")
    note = fields.Text(string="Notes")
    processed = fields.Boolean(copy=False, tracking=True)
    processed_date = fields.Datetime(copy=False)
    processed_by_id = fields.Many2one("res.users", copy=False)
    callback_call_id = fields.Many2one("telephony.call", string="Callback", copy=False, index="btree_not_null")
    callback_delay_minutes = fields.Float(
        string="Callback Delay (min)",
        compute="_compute_callback_delay_minutes",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="From the start of a missed call to the answer of the call that called it back. "
        "Its average in reports counts only the calls called back.",
    )
    is_callback = fields.Boolean(string="Callback Call", help="An answered outgoing call that settled missed calls.")
    callback_count = fields.Integer(string="Callbacks", compute="_compute_callback_count", store=True, aggregator="sum")
    event_state = fields.Json(string="Folded Events", copy=False)
    support_service_id = fields.Many2one(
        "telephony.support.service",
        help="Prepaid service this call is counted on; empty: the customer's only open package.",
    )
    support_consumption_ids = fields.One2many("telephony.support.consumption", "call_id")
    conversation_ids = fields.One2many("telephony.conversation", "call_id", string="Conversations")
    support_minutes = fields.Float(compute="_compute_support_minutes")

    _sql_constraints = [
        (
            "pbx_call_unique",
            "UNIQUE(pbx_id, pbx_call_id)",
            "A PBX call id is logged once per PBX.",
        )
    ]

    def init(self):
        result = super().init()
        for column in ("pbx_id", "company_id", "direction", "state", "processed"):  # indexed by earlier versions
            drop_index(self.env.cr, make_index_name(self._table, column), self._table)
        return result

    @api.depends("remote_e164", "company_id")
    def _compute_matched_partner_ids(self):
        Partner = self.env["res.partner"]
        for call in self:
            partners = (
                Partner._telephony_find_by_number(call.remote_e164, company=call.company_id)
                if call.remote_e164
                else Partner
            )
            call.matched_partner_ids = partners
            call.matched_partner_count = len(partners)

    @api.depends("direction", "state")
    def _compute_call_counts(self):
        for call in self:
            call.incoming_count, call.answered_count, call.missed_count = call_stats.counts(call.direction, call.state)
            call.answered_rate, call.missed_rate = call_stats.rates(call.direction, call.state)

    @api.depends("is_callback")
    def _compute_callback_count(self):
        for call in self:
            call.callback_count = 1 if call.is_callback else 0

    @api.depends("support_consumption_ids.minutes")
    def _compute_support_minutes(self):
        for call in self:
            call.support_minutes = sum(call.support_consumption_ids.mapped("minutes"))

    @api.depends("callback_call_id.answer_date", "start_date")
    def _compute_callback_delay_minutes(self):
        for call in self:
            callback_at = call.callback_call_id.answer_date
            if callback_at and call.start_date:
                call.callback_delay_minutes = max(0.0, (callback_at - call.start_date).total_seconds() / 60.0)
            else:
                call.callback_delay_minutes = 0.0

    _RATE_COUNTS = {"answered_rate": "answered_count", "missed_rate": "missed_count"}

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "callback_delay_minutes:avg":
            # A call nobody called back stores a delay of 0 (the ORM stores no empty
            # float): the average counts only the calls called back.
            delay = self._field_to_sql(self._table, "callback_delay_minutes", query)
            callback = self._field_to_sql(self._table, "callback_call_id", query)
            return SQL("AVG(CASE WHEN %s IS NOT NULL THEN %s END)", callback, delay)
        fname = aggregate_spec.split(":")[0]
        if fname in self._RATE_COUNTS and aggregate_spec.split(":")[-1] in ("avg", "sum", "max", "min"):
            # A rate of a group of calls (an agent, a month, the pivot's total) is the
            # ratio of its counts, whatever aggregate was asked: an average of per-call
            # rates would count outgoing calls and give every call the same weight.
            super()._read_group_select(aggregate_spec, query)  # checks the field is readable
            part = self._field_to_sql(self._table, self._RATE_COUNTS[fname], query)
            whole = self._field_to_sql(self._table, "incoming_count", query)
            return SQL("ROUND(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 2)::float8", part, whole)
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Event ingestion
    # ------------------------------------------------------------------
    # A PBX event is folded into its call by a handful of SQL statements on the
    # call's row (lock or insert, one UPDATE), without the ORM's write: that path is
    # taken hundreds of times a second. The columns written here are plain stored
    # fields; the only stored computed field depending on them (the callback delay)
    # is recomputed through the ORM when, rarely, it is concerned.
    @staticmethod
    def _call_state_from_json(data):
        if not data:
            return None
        key = data.get("extension_key")
        return call_events.CallState(
            direction=data.get("direction"),
            caller=data.get("caller"),
            callee=data.get("callee"),
            first_seen=_parse_dt(data.get("first_seen")),
            ring_start=_parse_dt(data.get("ring_start")),
            answer=_parse_dt(data.get("answer")),
            end=_parse_dt(data.get("end")),
            cause=data.get("cause"),
            extension=data.get("extension"),
            extension_key=(_parse_dt(key[0]), key[1], key[2]) if key else None,
            transferred=bool(data.get("transferred")),
            recording_url=data.get("recording_url"),
            answers=tuple((_parse_dt(ts), extension) for ts, extension in data.get("answers") or ()),
            transfers=tuple((_parse_dt(ts), source, target) for ts, source, target in data.get("transfers") or ()),
            # states stored before ends timed by arrival existed: their end was reported
            end_exact=bool(data.get("end_exact", data.get("end"))),
        )

    def _get_call_state(self):
        self.ensure_one()
        return self._call_state_from_json(self.event_state)

    @staticmethod
    def _serialize_call_state(state):
        key = state.extension_key
        return {
            "direction": state.direction,
            "caller": state.caller,
            "callee": state.callee,
            "first_seen": _dt(state.first_seen),
            "ring_start": _dt(state.ring_start),
            "answer": _dt(state.answer),
            "end": _dt(state.end),
            "cause": state.cause,
            "extension": state.extension,
            "extension_key": [_dt(key[0]), key[1], key[2]] if key else None,
            "transferred": state.transferred,
            "recording_url": state.recording_url,
            "answers": [[_dt(ts), extension] for ts, extension in state.answers],
            "transfers": [[_dt(ts), source, target] for ts, source, target in state.transfers],
            "end_exact": state.end_exact,
        }

    @api.model
    def _state_values(self, config, state, row):
        """Column values of a call in ``state``; ``row`` holds the call's current
        number, partner, extension and agent, so that lookups run only when they change."""
        direction = state.direction or "inbound"
        remote = state.caller if direction == "inbound" else state.callee
        number = phone.normalize(remote, config.region)
        answered_by = [leg.extension for leg in call_events.legs(state) if leg.answer]
        # the final agent is the last who answered; before anyone did, the one it rings
        extension = (
            (answered_by[-1] if answered_by else None)
            or state.extension
            or (state.caller if direction == "outbound" else None)
        )
        call_state = state.state
        incoming, answered, missed = call_stats.counts(direction, call_state)
        answered_rate, missed_rate = call_stats.rates(direction, call_state)
        vals = {
            "event_state": PsycopgJson(self._serialize_call_state(state)),
            "direction": direction,
            "state": call_state,
            "caller_number": state.caller,
            "callee_number": state.callee,
            "remote_number": number.raw or remote,
            "remote_e164": number.e164,
            "number_kind": number.kind,
            "start_date": state.start,
            "answer_date": state.answer,
            "end_date": state.end,
            "ring_seconds": state.ring_seconds,
            "talk_seconds": state.talk_seconds,
            "talk_minutes": round(state.talk_seconds / 60.0, 2),
            "incoming_count": incoming,
            "answered_count": answered,
            "missed_count": missed,
            "answered_rate": answered_rate,
            "missed_rate": missed_rate,
            "hangup_cause": state.cause,
            "transferred": state.transferred or len(set(answered_by)) > 1,
            "recording_url": state.recording_url,
            "extension": extension,
            "partner_id": row["partner_id"],
            "agent_id": row["agent_id"],
        }
        if number.e164 != row["remote_e164"] or (number.e164 and not row["partner_id"]):
            partner_ids = self.env["res.partner"]._telephony_caller_ids(number.e164, config.company_id, limit=1)
            vals["partner_id"] = partner_ids[0] if partner_ids else None
        if extension != row["extension"]:  # the agent and their team: cached per worker, no query
            agent_id, _partner_id, team_id = self._agent_ids(extension, config.company_id)
            vals["agent_id"] = agent_id or None
            vals["team_id"] = team_id or config.team_id
        else:
            vals["team_id"] = row["team_id"] or (None if row["agent_id"] else config.team_id)
        if answered_by:
            vals["first_agent_id"] = self._agent_ids(answered_by[0], config.company_id)[0] or None
        else:
            vals["first_agent_id"] = vals["agent_id"] if call_state == "answered" else None
        return vals

    @api.model
    def _agent_ids(self, extension, company_id):
        """(user id, partner id, team id) of the agent at ``extension``, zeros if none."""
        if not extension:
            return 0, 0, 0
        return self.env["res.users"]._telephony_agent_ids(extension, company_id)

    @api.model
    def _ingest_as_pbx_user(self, config, event):
        """Log one PBX event as that PBX's technical user (the AMI listener's way in)."""
        return self._as_pbx_user(config)._ingest_event(config, event)

    @api.model
    def _as_pbx_user(self, config):
        """This model in the environment of the technical user of the PBX of ``config``,
        in the PBX's company only: the rights its events are recorded with."""
        if not config.user_id:
            raise ValueError(f"the PBX {config.id} has no active technical user")
        env = self.env
        if env.uid == config.user_id and not env.su and env.context.get("allowed_company_ids") == [config.company_id]:
            return self
        context = dict(env.context, allowed_company_ids=[config.company_id])
        return self.with_env(env(user=config.user_id, su=False, context=context))

    @api.model
    def _check_pbx_user(self, config):
        """Raise AccessError unless this environment is the one of :meth:`_as_pbx_user`
        and its user may record calls in the PBX's company.

        Folding writes the call in SQL: these checks stand for the ORM's. They read
        the worker's caches only (access rights, the user's companies): no query.
        """
        if self.env.su or self.env.uid != config.user_id:
            raise AccessError(self.env._("Call events are recorded as the technical user of their PBX only."))
        if config.company_id not in self.env.companies.ids:  # raises too when the user lost the company
            raise AccessError(self.env._("The technical user of the PBX may not record calls of its company."))
        self.check_access("create")
        self.check_access("write")

    @api.model
    def _ingest_events(self, config, events):
        """Fold ``events`` into their calls of the PBX of ``config``; return the calls' summaries.

        The work runs at READ COMMITTED isolation: two deliveries of events of one call
        (a PBX retrying, duplicates arriving at the same moment) then wait for each
        other on the unique index and the row lock and see each other's result,
        instead of failing with serialization errors and being replayed. When the
        current transaction has not started yet (an HTTP request from a PBX: the
        endpoint reads its PBX from the worker's cache) it starts at that isolation
        and the caller commits; otherwise a transaction of its own is used and
        committed. Inside tests the test transaction is used as it is.

        Runs as the PBX's technical user (see :meth:`_as_pbx_user`).
        """
        self._check_pbx_user(config)
        if modules.module.current_test or self.env.registry.in_test_mode():
            return self._ingest_events_here(config, events)
        cr = self.env.cr
        connection = cr._cnx
        if connection.get_transaction_status() == TRANSACTION_STATUS_IDLE:
            # psycopg2 sends the isolation with its BEGIN; the cursor's next
            # transactions are Odoo's usual REPEATABLE READ again.
            connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            for hooks in (cr.postcommit, cr.postrollback):
                hooks.add(functools.partial(connection.set_isolation_level, ISOLATION_LEVEL_REPEATABLE_READ))
            return self._ingest_events_here(config, events)
        with self.env.registry.cursor() as own_cr:
            own_cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            return self.with_env(self.env(cr=own_cr))._ingest_events_here(config, events)

    def _ingest_events_here(self, config, events):
        # Lock the calls of a batch in one order (their call ids), so that two
        # batches holding events of the same calls cannot deadlock; folding is
        # order-independent, so the result is the same.
        order = sorted(range(len(events)), key=lambda index: events[index].call_id)
        summaries = [None] * len(events)
        for index in order:
            call_id, state = self._fold_event(config, events[index])
            summaries[index] = {"id": call_id, "call_id": events[index].call_id, "state": state}
        return summaries

    @api.model
    def _ingest_event(self, config, event):
        """Fold ``event`` into the one call of the PBX of ``config``; return the call."""
        self._check_pbx_user(config)
        return self.browse(self._fold_event(config, event)[0])

    def _fold_event(self, config, event):
        """Fold ``event`` into its call; return (call id, call state).

        The first event of a call (a ringing one, usually) inserts the call with its
        values in one statement. Any other event locks the call's row, folds itself
        into the state stored there and writes the result; a duplicate changes
        nothing and writes nothing.
        """
        self.flush_model(_LOCKED_COLUMNS)  # what an earlier event of a batch changed through the ORM
        if event.kind == call_events.MERGED:
            # a consultation call an attended transfer merged into the customer's call
            # (event.merged_into, which records the transfer): no call of its own
            self.env.cr.execute(_DELETE_MERGED, [config.id, event.call_id, config.company_id])
            self.browse([call_id for (call_id,) in self.env.cr.fetchall()]).invalidate_recordset()
            return None, None
        if event.kind == call_events.RINGING:
            new = call_events.merge(None, event)
            vals = self._state_values(config, new, _NEW_ROW)
            call_id = self._insert_call(config, event.call_id, vals)
            if call_id:
                self.browse(call_id)._after_event(config, event, None, new, vals)
                return call_id, new.state
        row = self._lock_call_row(config, event.call_id)
        old = self._call_state_from_json(row["event_state"])
        new = call_events.merge(old, event)
        if old == new:
            return row["id"], new.state
        vals = self._state_values(config, new, row)
        self.env.cr.execute(
            _UPDATE_STATE, [*(vals[column] for column in STATE_COLUMNS), self.env.uid, row["id"], config.company_id]
        )
        call = self.browse(row["id"])
        call.invalidate_recordset([*STATE_COLUMNS, "write_uid", "write_date"])
        old_legs = self._leg_rows(old, row["extension"], config.company_id) if old else []
        new_legs = self._leg_rows(new, vals["extension"], config.company_id)
        if new_legs != old_legs:
            call._write_legs(config, new_legs)
        dependencies = []
        if row["callback_call_id"] and (old.start if old else None) != new.start:
            dependencies.append("start_date")
        if row["is_callback"] and (old.answer if old else None) != new.answer:
            dependencies.append("answer_date")
        if dependencies:
            call.modified(dependencies)  # the callback delay of the calls concerned
        call._after_event(config, event, old, new, vals)
        return row["id"], new.state

    @api.model
    def _leg_rows(self, state, extension, company_id):
        """Values of the legs of a call in ``state`` (columns _LEG_COLUMNS); an answered
        call nobody's answer was reported for is one leg of its agent at ``extension``."""
        legs = call_events.legs(state)
        if not legs and state.answer and extension:
            legs = [call_events.Leg(extension=extension, start=state.answer, answer=state.answer, end=state.end)]
        rows = []
        for sequence, leg in enumerate(legs, 1):
            source = leg.transferred_from
            rows.append(
                (
                    sequence,
                    leg.extension,
                    self._agent_ids(leg.extension, company_id)[0] or None,
                    source,
                    (self._agent_ids(source, company_id)[0] or None) if source else None,
                    leg.start,
                    leg.answer,
                    leg.end,
                    leg.talk_seconds,
                    round(leg.talk_seconds / 60.0, 2),
                )
            )
        return rows

    def _write_legs(self, config, rows):
        """Replace the legs of this call by ``rows`` (as the PBX's technical user)."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute(_DELETE_LEGS, [self.id, config.company_id])
        for values in rows:
            cr.execute(_INSERT_LEG, [self.id, config.company_id, self.env.uid, self.env.uid, *values])
        self.env["telephony.call.leg"].invalidate_model()
        self.invalidate_recordset(["leg_ids"])

    def _insert_call(self, config, pbx_call_id, vals):
        """Insert the call with ``vals``; return its id, or None when the call exists already."""
        self.env.cr.execute(
            _INSERT_CALL,
            [config.id, pbx_call_id, config.company_id, self.env.uid, self.env.uid]
            + [vals[column] for column in STATE_COLUMNS],
        )
        inserted = self.env.cr.fetchone()
        return inserted[0] if inserted else None

    def _lock_call_row(self, config, pbx_call_id):
        """The locked row of the call (inserted if new): id and what folding needs of it."""
        cr = self.env.cr
        cr.execute(_SELECT_LOCKED, [config.id, pbx_call_id, config.company_id])
        row = cr.dictfetchone()
        if row:
            return row
        call_id = self._insert_call(config, pbx_call_id, _NEW_CALL_VALUES)
        if call_id:
            return dict(_NEW_ROW, id=call_id)
        # inserted by a concurrent delivery in the meantime: the insertion waited for
        # it to commit; take its row
        cr.execute(_SELECT_LOCKED, [config.id, pbx_call_id, config.company_id])
        row = cr.dictfetchone()
        if not row:  # the PBX's call of an earlier company of the PBX: not the user's to change
            raise ValueError(f"the call {pbx_call_id} belongs to another company")
        return row

    def _after_event(self, config, event, old, new, vals):
        """What an event sets off: ring the agent, settle missed calls, count support time."""
        self.ensure_one()
        if event.kind == call_events.RINGING and vals["direction"] == "inbound" and new.state == "ringing":
            extension = event.extension or vals["extension"]
            user_id, partner_id, _team_id = self._agent_ids(extension, config.company_id)
            if user_id:
                # the user's own bus channel is their partner: no need to read the user
                self._notify_incoming_call(self.env["res.partner"].browse(partner_id))
        if (
            event.kind == call_events.HANGUP
            and vals["direction"] == "outbound"
            and new.state in ("busy", "failed")
            and not (old and old.end)
            and ami.is_click_to_dial(event.call_id)
        ):
            user_id, partner_id, _team_id = self._agent_ids(vals["extension"], config.company_id)
            if user_id:
                self._notify_click_to_dial_failed(self.env["res.partner"].browse(partner_id), new.state)
        old_state = old.state if old else None
        calls_back = vals["direction"] == "outbound" and new.state == "answered" and old_state != "answered"
        ended_answered = new.state == "answered" and new.end and not (old and old.end and old.answer)
        Package = self.env["telephony.support.package"]
        counts_time = ended_answered and vals["partner_id"] and Package._exists_for(vals["partner_id"])
        if calls_back or counts_time:
            quiet = self.with_context(tracking_disable=True, mail_notrack=True)
            if calls_back:
                quiet._mark_missed_calls_called_back()
            if counts_time:
                quiet._consume_support_time()

    def _consume_support_time(self):
        """Count the talk time of ended answered calls on the customer's prepaid package.

        Runs with the rights of the caller: the PBX's technical user when a call ends.
        """
        Package = self.env["telephony.support.package"]
        for call in self.filtered(lambda c: c.state == "answered" and c.end_date and c.partner_id):
            if call.support_consumption_ids:
                continue
            packages = Package._find_for(call.partner_id, call.start_date.date(), call.support_service_id)
            if not call.support_service_id and len(packages.service_id) > 1:
                continue  # several services: an agent chooses the service on the call
            package = packages.filtered(lambda p: p.hours_remaining > 0)[:1] or packages[-1:]
            if not package:
                continue
            service = package.service_id
            minutes = support_time.charged_minutes(
                call.talk_seconds,
                service.rounding_step,
                service.rounding_mode,
                service.free_seconds,
                service.minimum_minutes,
            )
            if not minutes:
                continue
            self.env["telephony.support.consumption"].create(
                {
                    "package_id": package.id,
                    "call_id": call.id,
                    "date": call.end_date,
                    "talk_seconds": call.talk_seconds,
                    "minutes": minutes,
                    "description": call.remote_number,
                }
            )
            package._warn_if_low()

    def action_charge_support_time(self):
        # An agent charges the time of a call by hand, where the PBX's technical user
        # would have when the call ended (a package bought later): agents may not write
        # consumptions themselves, the charge follows the package's rules only.
        self.sudo()._consume_support_time()

    def _incoming_call_payload(self):
        self.ensure_one()
        Partner = self.env["res.partner"]
        partners = Partner.browse(Partner._telephony_caller_ids(self.remote_e164, self.company_id.id))
        day = (self.start_date or fields.Datetime.now()).date()
        summaries = [partner._telephony_caller_summary(day) for partner in partners]
        if self.number_kind == "anonymous":
            title = _("Incoming call from an anonymous number")
        elif partners:
            title = _("Incoming call: %s", partners[0].display_name)
        else:
            title = _("Incoming call from %s", self.remote_number or "?")
        return {
            "call_id": self.id,
            "number": self.remote_number or "",
            "number_e164": self.remote_e164 or "",
            "number_kind": self.number_kind or "",
            "title": title,
            "partners": summaries,
            "call_url": f"/odoo/action-telephony_bridge.action_telephony_call/{self.id}",
            "create_partner": not partners and self.number_kind == "valid",
        }

    def _notify_incoming_call(self, agent):
        """Show the call to ``agent`` (a user, or a user's partner) in their browser."""
        self.ensure_one()
        agent._bus_send(INCOMING_CALL_NOTIFICATION, self._incoming_call_payload())

    def _notify_click_to_dial_failed(self, agent, state):
        """Tell ``agent`` (a user's partner) why the call they started was not placed."""
        self.ensure_one()
        number = self.remote_number or _("the number")
        if state == "busy":
            message = _("Your phone was busy: the call to %s was not placed.", number)
        else:
            message = _("Your phone did not answer or could not be reached: the call to %s was not placed.", number)
        agent._bus_send("simple_notification", {"type": "warning", "title": _("Call not placed"), "message": message})

    def _mark_missed_calls_called_back(self):
        """An answered outgoing call settles the earlier unanswered calls from its number."""
        for callback in self.filtered(lambda c: c.remote_e164 and c.state == "answered"):
            missed = self.search(
                [
                    ("direction", "=", "inbound"),
                    ("state", "in", ("missed", "busy", "failed")),
                    ("processed", "=", False),
                    ("remote_e164", "=", callback.remote_e164),
                    ("company_id", "=", callback.company_id.id),
                    ("start_date", "<=", callback.start_date or callback.answer_date),
                ]
            )
            if not missed:
                continue
            missed.write(
                {
                    "processed": True,
                    "processed_date": callback.answer_date,
                    "processed_by_id": callback.agent_id.id,
                    "callback_call_id": callback.id,
                }
            )
            callback.is_callback = True

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    def action_mark_processed(self):
        for call in self:
            if not (call.note or "").strip():
                raise UserError(_("Write in the notes what was done about the call from %s first.", call.remote_number))
        self.write({"processed": True, "processed_date": fields.Datetime.now(), "processed_by_id": self.env.uid})

    def action_mark_unprocessed(self):
        self.write({"processed": False, "processed_date": False, "processed_by_id": False, "callback_call_id": False})

    def action_create_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_phone": self.remote_e164 or self.remote_number},
        }

    def action_play_recording(self):
        """Open the recording through the addon's address, which checks that the user
        may see this call before sending them to the PBX's file."""
        self.ensure_one()
        if not self.recording_url:
            raise UserError(_("This call has no recording."))
        return {"type": "ir.actions.act_url", "url": f"/telephony/call/{self.id}/recording", "target": "new"}

    def action_call_back(self):
        self.ensure_one()
        if not self.remote_e164:
            raise UserError(_("This call has no number to call back."))
        return self.env["telephony.pbx"].action_dial_number(self.remote_e164)

    def action_open_transfer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Transfer Call"),
            "res_model": "telephony.call.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_call_id": self.id},
        }

    def _transfer_to(self, user):
        self.ensure_one()
        if self.state not in ("ringing", "answered") or self.end_date:
            raise UserError(_("Only a live call can be transferred."))
        self.pbx_id._transfer(self.pbx_call_id, user.telephony_extension)
        self.message_post(body=_("Transferred to %s.", user.name))

    def action_match_partner(self):
        for call in self:
            call.partner_id = call.matched_partner_ids[:1]

    def action_view_matched_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Contacts"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", self.matched_partner_ids.ids)],
        }

    def action_open_conversation(self):
        """The conversation this call was, or a new one filled from the call, in a form."""
        self.ensure_one()
        Conversation = self.env["telephony.conversation"]
        conversation = Conversation.search([("call_id", "=", self.id)], limit=1)
        action = {
            "type": "ir.actions.act_window",
            "name": _("Conversation"),
            "res_model": "telephony.conversation",
            "view_mode": "form",
            "views": [(False, "form")],
        }
        if conversation:
            return action | {"res_id": conversation.id}
        values = Conversation._values_from_call(self)
        values["date"] = fields.Datetime.to_string(values["date"])
        context = {f"default_{name}": value for name, value in values.items()}
        return action | {"context": context}
