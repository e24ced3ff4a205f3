from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MONDAY_9, CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignAccess(CampaignCase):
    def test_agents_see_their_campaigns_only(self):
        other = self.env["telephony.campaign"].create({"name": "Winter offer", "agent_ids": [(4, self.colleague.id)]})
        other._add_partners(self.customer)
        Campaign = self.env["telephony.campaign"].with_user(self.agent)
        self.assertEqual(Campaign.search([]), self.campaign)
        contacts = self.env["telephony.campaign.contact"].with_user(self.agent).search([])
        self.assertEqual(contacts, self.campaign.contact_ids)
        manager = self.env["telephony.campaign"].with_user(self.manager)
        self.assertEqual(manager.search([("id", "in", (self.campaign | other).ids)]), self.campaign | other)
        with self.assertRaises(AccessError):
            Campaign.create({"name": "My own campaign"})
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.agent).write({"max_attempts": 10})
        with self.assertRaises(AccessError):
            other.contact_ids.with_user(self.agent).read(["state"])

    def test_the_campaign_form_opens_for_managers_and_agents(self):
        for user in (self.manager, self.agent):
            views = self.env["telephony.campaign"].with_user(user).get_views([(False, "form")])
            fields = views["models"]["telephony.campaign"]["fields"]
            self.assertIn(("Europe/Berlin", "Europe/Berlin"), fields["tz"]["selection"], user.name)

    def test_campaigns_of_another_company_are_hidden(self):
        company = self.env["res.company"].create({"name": "Other Ltd"})
        foreign = self.env["telephony.campaign"].create(
            {"name": "Abroad", "company_id": company.id, "agent_ids": [(4, self.agent.id)]}
        )
        self.assertNotIn(foreign, self.env["telephony.campaign"].with_user(self.agent).search([]))

    def test_a_user_without_telephony_rights_has_no_queue(self):
        clerk = new_test_user(self.env, login="camp_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["telephony.campaign.contact"].with_user(clerk).search([])
        self.campaign.agent_ids = [(4, clerk.id)]
        with freeze_time(MONDAY_9), self.assertRaises(AccessError):
            self.env["telephony.campaign.contact"].with_user(clerk).action_next_contact()
