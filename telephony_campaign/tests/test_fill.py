import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestCampaignFill(CampaignCase):
    def _filter(self, domain):
        return self.env["ir.filters"].create({"name": "Berlin numbers", "model_id": "res.partner", "domain": domain})

    def test_fill_from_filter_never_lists_a_partner_twice(self):
        campaign = self.env["telephony.campaign"].create({"name": "Berlin", "agent_ids": [(4, self.agent.id)]})
        campaign.filter_id = self._filter("[('phone', '=like', '030 %'), ('name', 'not like', 'Druckerei')]")
        berlin = self.env["res.partner"].search([("phone", "=like", "030 %"), ("name", "not like", "Druckerei")])
        self.assertGreaterEqual(len(berlin), 5, "Bäckerei Schulz and four of the campaign's five")
        action = campaign.action_fill_from_filter()
        self.assertEqual(campaign.contact_ids.partner_id, berlin)
        self.assertEqual(action["params"]["message"], f"{len(berlin)} contacts added to Berlin.")
        newcomer = self.env["res.partner"].create({"name": "Galerie Grün", "phone": "030 7777777"})
        action = campaign.action_fill_from_filter()
        self.assertEqual(action["params"]["message"], "1 contacts added to Berlin.")
        self.assertEqual(campaign.contact_ids.partner_id, berlin | newcomer)
        self.assertEqual(campaign.contact_count, len(berlin) + 1)

    def test_a_filter_on_another_model_is_refused(self):
        other = self.env["ir.filters"].create({"name": "Users", "model_id": "res.users", "domain": "[]"})
        with self.assertRaisesRegex(Exception, "filter on Contacts"):
            self.campaign.filter_id = other

    def _import(self, text, campaign=None):
        wizard = self.env["telephony.campaign.import"].create(
            {"campaign_id": (campaign or self.campaign).id, "file": base64.b64encode(text.encode())}
        )
        return wizard.action_import()

    def test_import_a_list(self):
        campaign = self.env["telephony.campaign"].create({"name": "Fair visitors"})
        action = self._import(
            "Name;Phone\nHanna Huber;0171 2223344\nApotheke Adler (reception);+49 30 1111111\n\n", campaign
        )
        self.assertEqual(action["params"]["message"], "2 contacts added to Fair visitors (1 new contacts created).")
        partners = campaign.contact_ids.partner_id
        self.assertIn(self.partners[0], partners, "the known number finds Apotheke Adler")
        hanna = partners - self.partners[0]
        self.assertEqual((hanna.name, hanna.phone), ("Hanna Huber", "0171 2223344"))
        self._import("name,phone\nApotheke Adler,030 1111111\n", campaign)
        self.assertEqual(len(campaign.contact_ids), 2, "imported again: nobody listed twice")

    def test_a_bad_list_imports_nothing(self):
        campaign = self.env["telephony.campaign"].create({"name": "Fair visitors"})
        partners_before = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError) as error:
            self._import(
                "name,phone\nHanna Huber,0171 2223344\n,030 999999\nIda Igel,\nJan Jung,call me\n"
                "Kai Kurz,0171 2223344\n",
                campaign,
            )
        self.assertEqual(
            str(error.exception),
            "Nothing was imported. Correct these lines and import the file again:\n"
            "Line 3: the name is empty\n"
            "Line 4: the phone is empty\n"
            "Line 5: not a phone number\n"
            "Line 6: the phone is listed twice",
        )
        self.assertFalse(campaign.contact_ids)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        with self.assertRaisesRegex(UserError, "Line 1: the first line must name the columns"):
            self._import("who,number\nHanna,0171 2223344\n", campaign)
