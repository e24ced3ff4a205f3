import re
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.addons.cert_issuance.tests.common import CertCommon
from odoo.addons.telephony_bridge.tests.common import TelephonyFixtures
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

TODAY = date(2025, 3, 10)  # a Monday
NOW = datetime(2025, 3, 10, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestCampaignCertIssuance(TelephonyFixtures, CertCommon):
    """A renewal campaign: the customers whose license or certificate expires in March called,
    their expiring items on the screen of the agent who manages them."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("telephony_bridge.group_telephony_bridge_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telephony()
        company = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        # Rita calls about and manages the licenses and certificates; Hugo runs the campaigns
        # and heads the certificates department; Anna (telephony only) calls too.
        cls.renewals_agent = new_test_user(
            cls.env,
            "camp_renewals",
            name="Rita Renewals",
            groups="telephony_bridge.group_telephony_bridge_user,cert_issuance.group_cert_issuance_user",
            **company,
        )
        cls.renewals_agent.telephony_extension = "106"
        cls.head_of_calls = new_test_user(
            cls.env,
            "camp_head",
            name="Hugo Head",
            groups="telephony_bridge.group_telephony_bridge_manager,cert_issuance.group_cert_issuance_manager",
            **company,
        )
        cls.agent.write(company)
        cls.licensee = cls._partner("Lina Licensee", "030 7000001")
        cls.set_holder = cls._partner("Sergii Sets", "030 7000002")
        cls.later = cls._partner("Larysa Later", "030 7000003")
        cls.expiring_license = cls._license(
            date(2025, 3, 20), key="GL-0320", partner_id=cls.licensee.id, manager=cls.renewals_agent
        )
        cls.expiring_set = cls._set(
            partner_id=cls.set_holder.id,
            manager=cls.renewals_agent,
            certificates=[
                {"owner_name": "Sergii Sets", "purpose": "signing", "valid_to": date(2025, 3, 31)},
                {"owner_name": "Olena Sets", "purpose": "encryption", "valid_to": date(2026, 3, 31)},
            ],
        )
        cls._license(date(2025, 4, 1), key="GL-0401", partner_id=cls.later.id)  # next month
        cls._license(date(2025, 2, 28), key="GL-0228", partner_id=cls.later.id)  # expired last month
        renewed = cls._license(date(2025, 3, 15), key="PAY-0315", product=cls.module_payroll, partner_id=cls.later.id)
        cls._license(date(2026, 3, 15), key="PAY-2026", product=cls.module_payroll, partner_id=cls.later.id).write(
            {"renews_id": renewed.id}
        )
        cls._license(date(2025, 3, 25), key="GL-OLD", partner_id=cls.later.id, active=False)  # archived
        with freeze_time(TODAY):
            cls.campaign = cls.env["telephony.campaign"].create(
                {
                    "name": "Renewals March",
                    "cert_expiring": True,
                    "agent_ids": [Command.set([cls.renewals_agent.id, cls.agent.id])],
                    "tz": "UTC",
                }
            )

    @classmethod
    def _partner(cls, name, phone):
        return cls.env["res.partner"].create({"name": name, "phone": phone})

    def _fill(self, user, campaign=None):
        return (campaign or self.campaign).with_user(user).action_fill_from_filter()

    def test_the_customers_expiring_this_month_fill_the_campaign_once(self):
        self.assertEqual(self.campaign.cert_expiry_month, TODAY, "this month unless another is chosen")
        with freeze_time(TODAY):
            action = self._fill(self.head_of_calls)
            self.assertEqual(action["params"]["message"], "2 contacts added to Renewals March.")
            self.assertEqual(
                self.campaign.contact_ids.sorted("id").partner_id.mapped("name"),
                ["Lina Licensee", "Sergii Sets"],
                "the soonest expiring first; Larysa's items expire next month, expired in February, "
                "are renewed or archived",
            )
            action = self._fill(self.head_of_calls)
        self.assertEqual(action["params"]["message"], "0 contacts added to Renewals March.")
        self.assertEqual(self.campaign.contact_count, 2)

        self.campaign.cert_expiry_month = date(2025, 4, 15)
        action = self._fill(self.head_of_calls)
        self.assertEqual(action["params"]["message"], "1 contacts added to Renewals March.")
        self.assertEqual(self.campaign.contact_ids.partner_id, self.licensee | self.set_holder | self.later)

    def test_a_certificate_user_finds_the_items_they_manage_only(self):
        self.expiring_set.manager_id = self.manager_b
        with freeze_time(TODAY):
            items = self.campaign.with_user(self.renewals_agent)._cert_expiring_items()
            everything = self.campaign.with_user(self.head_of_calls)._cert_expiring_items()
        self.assertEqual(items, [self.expiring_license], "Rita does not manage Sergii's set any more")
        self.assertEqual(everything, [self.expiring_license, self.expiring_set.certificate_ids[0]])

    def test_filling_with_expiring_items_needs_the_certificate_right(self):
        with freeze_time(TODAY), self.assertRaisesRegex(UserError, "needs the Certificate Issuance user right"):
            self._fill(self.manager)  # Mona: telephony manager only
        self.assertFalse(self.campaign.contact_ids, "nothing half-written")

    def test_the_agent_sees_the_expiring_items_if_they_may_read_them(self):
        with freeze_time(TODAY):
            self._fill(self.head_of_calls)
            self.campaign.with_user(self.head_of_calls).action_start()
        with freeze_time(NOW):
            action = self.env["telephony.campaign.contact"].with_user(self.renewals_agent).action_next_contact()
            screen = self.env["telephony.campaign.contact"].with_user(self.renewals_agent).browse(action["res_id"])
            self.assertEqual(screen.partner_id, self.licensee)
            self.assertEqual(screen.cert_expiring_text, "license GL-0320 (General Ledger) expires on 03/20/2025")
            set_screen = self.campaign.contact_ids.filtered(lambda c: c.partner_id == self.set_holder)
            self.assertEqual(
                set_screen.with_user(self.renewals_agent).cert_expiring_text,
                f"certificate of Sergii Sets (Signing) ({self.expiring_set.name}) expires on 03/31/2025",
                "the set's certificate expiring next year is not listed",
            )

        form = self.env.ref("telephony_campaign.telephony_campaign_contact_agent_form").id

        def arch(user):
            return (
                self.env["telephony.campaign.contact"]
                .with_user(user)
                .get_views([(form, "form")])["views"]["form"]["arch"]
            )

        self.assertIn('name="cert_expiring_text"', arch(self.renewals_agent))
        self.assertIn('name="script"', arch(self.agent))
        self.assertNotIn('name="cert_expiring_text"', arch(self.agent), "Anna may not read licenses")

    def test_the_campaign_form_offers_the_expiring_option(self):
        views = self.env["telephony.campaign"].with_user(self.head_of_calls).get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        self.assertIn('name="cert_expiring"', arch)
        self.assertIn('name="cert_expiry_month"', arch)
        # the Fill button shows for a saved filter (and the other bridges' sources, when they are
        # installed) or for the expiring option: the option's condition is added to theirs
        [fill] = re.findall(r'<button name="action_fill_from_filter"[^>]*invisible="([^"]*)"', arch)
        self.assertIn("filter_id", fill)
        self.assertTrue(fill.endswith(" and (state == 'done' or not cert_expiring)"), fill)
