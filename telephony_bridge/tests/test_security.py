from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestCallSecurity(TelephonyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.invalidate_all()
        ev = cls.event.__get__(cls)  # bind the helper to the class for fixtures

        def call(call_id, extension, answered):
            ev("ringing", 0, call_id, direction="inbound", extension=extension, **{"from": "030 1234567"})
            if answered:
                ev("answered", 5, call_id, extension=extension)
            return ev("hangup", 50, call_id)

        cls.own_answered = call("own", "101", True)
        cls.colleague_answered = call("col", "102", True)
        cls.colleague_missed = call("colm", "102", False)
        cls.other_company = cls.env["res.company"].create({"name": "Other Telco"})
        cls.other_pbx = cls.env["telephony.pbx"].create({"name": "Other PBX", "company_id": cls.other_company.id})
        cls.foreign_missed = cls.event.__get__(cls)("hangup", 9, "foreign", pbx=cls.other_pbx)
        cls.agent.company_ids |= cls.other_company
        cls.manager.company_ids |= cls.other_company

    def visible(self, user, companies):
        calls = self.env["telephony.call"].with_user(user).with_context(allowed_company_ids=companies.ids)
        return calls.search([("pbx_id", "in", (self.pbx | self.other_pbx).ids)])

    def test_agent_sees_own_calls_and_team_missed_calls(self):
        seen = self.visible(self.agent, self.company)
        self.assertEqual(seen, self.own_answered | self.colleague_missed)

    def test_manager_sees_all_calls_of_allowed_companies(self):
        seen = self.visible(self.manager, self.company)
        self.assertEqual(seen, self.own_answered | self.colleague_answered | self.colleague_missed)
        both = self.visible(self.manager, self.company | self.other_company)
        self.assertIn(self.foreign_missed, both)

    def test_agent_cannot_read_colleague_answered_call(self):
        with self.assertRaises(AccessError):
            self.colleague_answered.with_user(self.agent).read(["note"])

    def test_agent_cannot_read_pbx_secret(self):
        pbx = self.pbx.with_user(self.agent)
        self.assertEqual(pbx.name, "Office PBX")
        with self.assertRaises(AccessError):
            pbx.read(["webhook_secret"])
