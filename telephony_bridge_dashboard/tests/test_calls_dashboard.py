import base64
import json

from odoo.tests import TransactionCase, new_test_user, tagged


def dashboard_pivots(dashboard):
    return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))["pivots"]


def read_pivot(env, definition, domain=()):
    """What the spreadsheet asks the server for a pivot: its measures grouped by its rows."""
    model = env[definition["model"]]
    measures = [f"{m['fieldName']}:{m['aggregator']}" for m in definition["measures"] if m["fieldName"] != "__count"]
    rows = [
        f"{row['fieldName']}:{row['granularity']}" if row.get("granularity") else row["fieldName"]
        for row in definition["rows"]
    ]
    return model.read_group([*definition["domain"], *domain], ["__count", *measures], rows, lazy=False)


@tagged("post_install", "-at_install")
class TestCallsDashboard(TransactionCase):
    def test_dashboard_pivots_read_the_call_log_with_its_rates(self):
        dashboard = self.env.ref("telephony_bridge_dashboard.spreadsheet_dashboard_telephony_bridge")
        manager = new_test_user(
            self.env,
            login="calls_dash_manager",
            groups="base.group_user,telephony_bridge.group_telephony_bridge_manager",
        )
        self.assertIn(self.env.ref("telephony_bridge.group_telephony_bridge_manager"), dashboard.group_ids)
        pbx = self.env["telephony.pbx"].create({"name": "Dashboard PBX", "pbx_type": "generic"})
        agent = new_test_user(self.env, login="calls_dash_agent", groups="base.group_user")
        states = [("inbound", "answered")] + [("inbound", "missed")] * 4 + [("outbound", "answered")]
        self.env["telephony.call"].create(
            [
                {
                    "pbx_id": pbx.id,
                    "pbx_call_id": f"dash-{index}",
                    "company_id": self.env.company.id,
                    "direction": direction,
                    "state": state,
                    "agent_id": agent.id,
                }
                for index, (direction, state) in enumerate(states)
            ]
        )
        pivots = dashboard_pivots(dashboard)
        per_agent = read_pivot(manager.env, pivots["1"], [("pbx_id", "=", pbx.id)])
        self.assertEqual(len(per_agent), 1)
        row = per_agent[0]
        # hand-computed: 6 calls, 5 incoming, 1 answered and 4 missed: 20 %
        self.assertEqual(
            (row["__count"], row["incoming_count"], row["answered_count"], row["missed_count"], row["answered_rate"]),
            (6, 5, 1, 4, 20.0),
        )
        not_processed = read_pivot(manager.env, pivots["2"], [("pbx_id", "=", pbx.id)])
        self.assertEqual(sum(group["__count"] for group in not_processed), 4)
