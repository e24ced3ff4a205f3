import datetime

from odoo.tests import tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestCallStatistics(TelephonyCase):
    def call(self, call_id, extension, answered, direction="inbound", **kw):
        number, at = kw.get("number", "030 1234567"), kw.get("at", 0)
        values = {"direction": direction, "extension": extension}
        values["from" if direction == "inbound" else "to"] = number
        if direction == "outbound":
            values["from"] = extension
        self.event("ringing", at, call_id, **values)
        if answered:
            self.event("answered", at + 10, call_id, extension=extension)
            return self.event("hangup", at + 10 + answered, call_id)
        return self.event("hangup", at + 20, call_id, cause="no_answer")

    def test_per_agent_rates_talk_time_and_callbacks(self):
        self.call("a1", "101", 120)
        self.call("a2", "101", 240)
        self.call("a3", "101", 0)
        self.call("a4", "101", 0)
        self.call("b1", "102", 60, at=1000, direction="outbound")  # calls back 030 1234567
        groups = {
            agent: values
            for agent, *values in self.env["telephony.call"]._read_group(
                [("pbx_id", "=", self.pbx.id)],
                ["agent_id"],
                ["__count", "answered_rate:avg", "missed_rate:avg", "talk_minutes:avg", "callback_count:sum"],
            )
        }
        self.assertEqual(groups[self.agent], [4, 50.0, 50.0, 1.5, 0])
        self.assertEqual(groups[self.colleague], [1, False, False, 1.0, 1], "an outgoing call has no answered rate")
        delays = (
            self.env["telephony.call"]
            .search([("pbx_id", "=", self.pbx.id), ("callback_call_id", "!=", False)])
            .mapped("callback_delay_minutes")
        )
        self.assertEqual(sorted(delays), [16.8, 16.8], "missed at 0 s, callback answered at 1010 s")
        # what the pivot asks: the average delay of the agent's calls called back, not of all 4
        pivot = self.env["telephony.call"].read_group(
            [("pbx_id", "=", self.pbx.id)], ["callback_delay_minutes:avg"], ["agent_id"]
        )
        delay_by_agent = {group["agent_id"][0]: group["callback_delay_minutes"] for group in pivot}
        self.assertAlmostEqual(delay_by_agent[self.agent.id], 16.8)
        self.assertIs(
            delay_by_agent[self.colleague.id], False, "no call of the colleague's was called back: no average"
        )

    def test_calls_in_and_out_per_agent_and_day(self):
        self.call("c1", "101", 30)
        self.call("c2", "101", 30, direction="outbound", number="0221 4455667")
        counts = self.env["telephony.call"]._read_group(
            [("pbx_id", "=", self.pbx.id)], ["agent_id", "direction", "start_date:day"], ["__count"]
        )
        self.assertEqual(
            sorted((agent.login, direction, count) for agent, direction, _day, count in counts),
            [("tel_agent", "inbound", 1), ("tel_agent", "outbound", 1)],
        )


@tagged("post_install", "-at_install")
class TestCallRates(TelephonyCase):
    """Answered rate = answered incoming / incoming calls, missed rate = missed incoming /
    incoming calls, as the pivot reads them (read_group), whichever way the call was logged.
    Hand-computed: 1 answered and 4 missed incoming calls plus 1 outgoing are 20 % / 80 %."""

    MEASURES = ["incoming_count:sum", "answered_count:sum", "missed_count:sum", "answered_rate:avg", "missed_rate:avg"]

    def pivot(self, groupby=("agent_id",)):
        return {
            tuple(group[:-5]): tuple(group[-5:])
            for group in self.env["telephony.call"]._read_group(
                [("pbx_id", "=", self.pbx.id)], list(groupby), self.MEASURES
            )
        }

    def orm_call(self, call_id, state, direction="inbound", agent=None, start="2026-03-02 09:00:00"):
        # the way the demo data and an import record calls: ORM create, rates not given
        return self.env["telephony.call"].create(
            {
                "pbx_id": self.pbx.id,
                "pbx_call_id": call_id,
                "company_id": self.company.id,
                "direction": direction,
                "state": state,
                "agent_id": (agent or self.agent).id,
                "start_date": start,
            }
        )

    def test_rates_of_calls_created_through_the_orm(self):
        self.orm_call("o1", "answered")
        for index in range(4):
            self.orm_call(f"o-missed-{index}", "missed")
        self.orm_call("o-out", "answered", direction="outbound")
        self.assertEqual(self.pivot()[(self.agent,)], (5, 1, 4, 20.0, 80.0))

    def test_rates_of_calls_from_pbx_events(self):
        self.event("ringing", 0, "p1", direction="inbound", extension="101", **{"from": "030 1234567"})
        self.event("answered", 10, "p1", extension="101")
        self.event("hangup", 70, "p1")
        for index in range(4):
            call_id = f"p-missed-{index}"
            self.event("ringing", 100 * index, call_id, direction="inbound", extension="101", **{"from": "0301111"})
            self.event("hangup", 100 * index + 20, call_id, cause="no_answer")
        self.event("ringing", 900, "p-out", direction="outbound", extension="101", to="030 1234567", **{"from": "101"})
        self.event("answered", 910, "p-out", extension="101")
        self.event("hangup", 990, "p-out")
        self.assertEqual(self.pivot()[(self.agent,)], (5, 1, 4, 20.0, 80.0))

    def test_totals_over_agents_and_months_are_ratios_of_counts(self):
        # Anna: 1 of 1 answered in March; Carl: 1 of 4 answered in April.
        self.orm_call("m1", "answered", start="2026-03-02 09:00:00")
        self.orm_call("m2", "answered", agent=self.colleague, start="2026-04-02 09:00:00")
        for index in range(3):
            self.orm_call(f"m-busy-{index}", "busy", agent=self.colleague, start="2026-04-03 09:00:00")
        self.orm_call("m-ringing", "ringing", agent=self.colleague, start="2026-04-03 09:00:00")
        by_agent_month = self.pivot(("agent_id", "start_date:month"))
        self.assertEqual(by_agent_month[(self.agent, datetime.datetime(2026, 3, 1))], (1, 1, 0, 100.0, 0.0))
        self.assertEqual(
            by_agent_month[(self.colleague, datetime.datetime(2026, 4, 1))],
            (4, 1, 3, 25.0, 75.0),
            "busy is missed (as in the Missed Calls list); the call still ringing is not counted yet",
        )
        # the pivot's total row: 2 answered of 5 incoming, not the average of 100 % and 25 %
        total = self.env["telephony.call"]._read_group([("pbx_id", "=", self.pbx.id)], [], self.MEASURES)[0]
        self.assertEqual(total, (5, 2, 3, 40.0, 60.0))

    def test_an_agent_without_incoming_calls_has_no_rate(self):
        self.orm_call("x1", "answered", direction="outbound")
        incoming, answered, missed, answered_rate, missed_rate = self.pivot()[(self.agent,)]
        self.assertEqual((incoming, answered, missed), (0, 0, 0))
        self.assertIs(answered_rate, False, "no incoming call: no rate, not 0 % nor 100 %")
        self.assertIs(missed_rate, False)
