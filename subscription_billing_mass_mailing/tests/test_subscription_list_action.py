from odoo.tests import new_test_user, tagged

from .common import SUBSCRIPTION, SegmentMailingCommon


@tagged("post_install", "-at_install")
class TestSubscriptionListAction(SegmentMailingCommon):
    def _run_list_action(self, kind, subs, active_domain):
        action = self.env.ref(f"subscription_billing_mass_mailing.subscription_subscription_action_mailing_{kind}")
        context = {"active_model": SUBSCRIPTION, "active_ids": subs.ids, "active_domain": active_domain}
        return action.with_user(self.marketer).with_context(**context).run()

    def test_new_mailing_targets_active_subscriptions(self):
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.marketer)
            .create({"subject": "News", "mailing_model_id": self.subscription_model.id})
        )
        self.assertEqual(mailing.mailing_domain, "[('state', '=', 'active')]")
        # Anna, Bernd, Clara, Dieter, Emil, Gustav: the active subscribers, Frieda's is closed
        # (and the subscribers of other data, the demo's, when there are some)
        others = self.env[SUBSCRIPTION].search([("state", "=", "active"), ("id", "not in", self.subs.ids)])
        self.assertEqual(mailing.total, 6 + len(others.partner_id))
        recipients = self.env[SUBSCRIPTION].browse(mailing._get_recipients())
        self.assertEqual(
            sorted((recipients & self.subs).partner_id.mapped("name")),
            ["Anna Arendt", "Bernd Bauer", "Clara Conrad", "Dieter Dorn", "Emil Engel", "Gustav Graf"],
        )

    def test_selected_subscriptions_become_the_recipients(self):
        action = self._run_list_action("sms", self.sub_anna | self.sub_emil, [])
        self.assertEqual(action["res_model"], "mailing.mailing")
        self.assertEqual(action["name"], "SMS Marketing")
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.marketer)
            .with_context(**action["context"])
            .create({"subject": "Outage tonight", "body_plaintext": "Maintenance from 1 to 3 am."})
        )
        self.assertEqual((mailing.mailing_type, mailing.mailing_model_id), ("sms", self.subscription_model))
        self.assertEqual(mailing.mailing_domain, repr([("id", "in", (self.sub_anna | self.sub_emil).ids)]))
        self.assertEqual(sorted(mailing._get_recipients()), sorted((self.sub_anna | self.sub_emil).ids))

    def test_whole_search_becomes_the_domain(self):
        """All subscriptions of a search selected (the favourite "Fiber 500, home" of the list): its domain."""
        subs = self.env[SUBSCRIPTION].search(self.segment_domain)
        action = self._run_list_action("mail", subs, self.segment_domain)
        self.assertEqual(action["name"], "Email Marketing")
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.marketer)
            .with_context(**action["context"])
            .create({"subject": "Fiber 1000", "body_html": "<p>Faster.</p>"})
        )
        self.assertEqual(mailing.mailing_domain, repr(self.segment_domain))
        self.assertEqual(mailing.total, 4)

    def test_only_marketing_users_see_the_actions(self):
        clerk = new_test_user(
            self.env, login="mm_clerk", groups="base.group_user,subscription_billing.group_subscription_billing_user"
        )
        actions = self.env["ir.actions.actions"]
        names = {
            user: {action["name"] for action in actions.with_user(user).get_bindings(SUBSCRIPTION)["action"]}
            for user in (self.marketer, clerk)
        }
        self.assertLessEqual({"Send Email Marketing", "Send SMS Marketing"}, names[self.marketer])
        self.assertFalse({"Send Email Marketing", "Send SMS Marketing"} & names[clerk])
