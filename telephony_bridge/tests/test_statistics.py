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
        self.assertEqual(groups[self.colleague], [1, 100.0, 0.0, 1.0, 1])
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
