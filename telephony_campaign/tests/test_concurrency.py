from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTwoAgentsAtOnce(TransactionCase):
    """Two agents press 'Next contact' at the same moment, each in a transaction of its own
    (two Odoo requests): neither waits for the other and they get different contacts.

    The test's own transaction is never committed, so what both requests must see is
    committed in a cursor of its own first, and removed again at the end.
    """

    def _commit_campaign(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            groups = "base.group_user,telephony_bridge.group_telephony_bridge_user"
            agents = new_test_user(env, login="camp_concurrent_a", name="Agent A", groups=groups) | new_test_user(
                env, login="camp_concurrent_b", name="Agent B", groups=groups
            )
            partners = env["res.partner"].create([{"name": f"Concurrent customer {n}"} for n in range(3)])
            campaign = env["telephony.campaign"].create(
                {
                    "name": "Concurrent campaign",
                    "agent_ids": [(6, 0, agents.ids)],
                    "tz": "UTC",
                    "hour_from": 0.0,
                    "hour_to": 24.0,
                    **{f"day_{day}": True for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                }
            )
            campaign._add_partners(partners)
            campaign.action_start()
            ids = (agents.ids, partners.ids, campaign.id)
        self.addCleanup(self._remove, *ids)
        return ids

    def _remove(self, agent_ids, partner_ids, campaign_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["telephony.campaign"].browse(campaign_id).unlink()
            users = env["res.users"].browse(agent_ids)
            user_partners = users.partner_id
            users.unlink()
            (env["res.partner"].browse(partner_ids) | user_partners).unlink()

    def _next_contact(self, cr, user_id):
        env = api.Environment(cr, user_id, {})
        action = env["telephony.campaign.contact"].action_next_contact()
        return action.get("res_id")

    def test_two_agents_in_two_transactions_get_different_contacts(self):
        (agent_a, agent_b), __, campaign_id = self._commit_campaign()
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            cr_b.execute("SET LOCAL lock_timeout = '2s'")  # waiting for A would fail the test, not hang it
            first = self._next_contact(cr_a, agent_a)  # A's transaction is still open: its row stays locked
            second = self._next_contact(cr_b, agent_b)
            self.assertTrue(first and second)
            self.assertNotEqual(first, second, "the contact A is taking is skipped for B")
            cr_a.commit()
            cr_b.commit()
        finally:
            cr_a.close()
            cr_b.close()
        with self.registry.cursor() as cr:
            self.assertEqual(self._next_contact(cr, agent_a), first, "A is given back the contact A is calling")
            self.assertEqual(self._next_contact(cr, agent_b), second)
            cr.execute(
                "SELECT partner_id, agent_id, state FROM telephony_campaign_contact WHERE campaign_id = %s ORDER BY id",
                [campaign_id],
            )
            rows = cr.fetchall()
        self.assertEqual(
            [(agent, state) for __, agent, state in rows],
            [(agent_a, "in_progress"), (agent_b, "in_progress"), (None, "pending")],
        )
