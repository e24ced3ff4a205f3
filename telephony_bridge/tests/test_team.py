from odoo import Command
from odoo.tests import tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestTelephonyTeams(TelephonyCase):
    """Missed calls are shared within a team: the agent's team, or the PBX's default team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = cls._telephony_user("tel_seller", "Sam Seller", "user", extension="103")
        Team = cls.env["telephony.team"]
        cls.support = Team.create({"name": "Support", "member_ids": [Command.set((cls.agent | cls.colleague).ids)]})
        cls.sales = Team.create({"name": "Sales", "member_ids": [Command.set(cls.seller.ids)]})
        cls.pbx.team_id = cls.support
        cls.branch_pbx = cls.env["telephony.pbx"].create({"name": "Branch PBX"})  # no default team

    def missed(self, call_id, extension=None, pbx=None):
        values = {"direction": "inbound", "from": "030 1234567"}
        if extension:
            values["extension"] = extension
        self.event("ringing", 0, call_id, pbx=pbx, **values)
        return self.event("hangup", 30, call_id, pbx=pbx, cause="no_answer")

    def visible_missed(self, user):
        """The missed calls of this test's PBXs that ``user`` sees (demo data has its own)."""
        pbxs = self.pbx | self.branch_pbx
        return self.env["telephony.call"].with_user(user).search([("state", "=", "missed"), ("pbx_id", "in", pbxs.ids)])

    def test_a_call_belongs_to_the_team_of_the_agent_it_rang(self):
        self.assertEqual(self.missed("t1", "103").team_id, self.sales)
        self.assertEqual(self.missed("t2", "102").team_id, self.support)

    def test_a_call_ringing_no_agent_belongs_to_the_pbx_default_team(self):
        queue = self.missed("t3")
        self.assertFalse(queue.agent_id)
        self.assertEqual(queue.team_id, self.support)
        unknown_extension = self.missed("t4", "999")
        self.assertEqual(unknown_extension.team_id, self.support)

    def test_agents_see_the_missed_calls_of_their_teams_and_of_no_team(self):
        sales_missed = self.missed("t5", "103")
        support_missed = self.missed("t6", "102")
        queue_missed = self.missed("t7")
        teamless_missed = self.missed("t8", pbx=self.branch_pbx)
        self.assertFalse(teamless_missed.team_id)
        self.assertEqual(self.visible_missed(self.agent), support_missed | queue_missed | teamless_missed)
        self.assertEqual(self.visible_missed(self.seller), sales_missed | teamless_missed)
        self.assertEqual(
            self.visible_missed(self.manager), sales_missed | support_missed | queue_missed | teamless_missed
        )

    def test_a_team_change_applies_to_the_next_call(self):
        self.assertEqual(self.missed("t9", "102").team_id, self.support)  # fills the worker's agent cache
        self.colleague.telephony_team_ids = [Command.set(self.sales.ids)]
        self.assertEqual(self.missed("t10", "102").team_id, self.sales)
        self.sales.member_ids = [Command.unlink(self.colleague.id)]
        self.assertEqual(self.missed("t11", "102").team_id, self.support, "no team of their own: the PBX's")

    def test_team_counts_and_lists_its_missed_calls_to_process(self):
        first, second = self.missed("t12", "101"), self.missed("t13")
        self.missed("t14", "103")
        first.note = "Called back from my mobile."
        first.action_mark_processed()
        self.support.invalidate_recordset(["missed_call_count"])
        self.assertEqual(self.support.missed_call_count, 1)
        action = self.support.action_view_missed_calls()
        calls = self.env["telephony.call"].search(action["domain"] + [("processed", "=", False)])
        self.assertEqual(calls, second)
