import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import format_date


@tagged("post_install", "-at_install")
class TestPortalSupport(HttpCase):
    """Two portal customers, each with prepaid support time, try each other's packages.

    Timber bought 10 h of Hotline and used 45 + 30 min: 1 h 15 min used, 8 h 45 min left
    (10:00, 01:15, 08:45). Its last year's On-site package has expired. Bakery bought 5 h
    of Hotline and used 90 min: 3 h 30 min left.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        partners = cls.env["res.partner"]
        cls.timber = partners.create({"name": "Timber Yard Ltd", "is_company": True})
        cls.bakery = partners.create({"name": "Corner Bakery Ltd", "is_company": True})
        cls.timber_user = cls._portal_user("timber", cls.timber)
        cls.bakery_user = cls._portal_user("bakery", cls.bakery)
        services = cls.env["telephony.support.service"]
        cls.hotline = services.create({"name": "Hotline", "low_hours": 1.0})
        cls.onsite = services.create({"name": "On-site Visits", "low_hours": 0.0})
        cls.pkg_timber = cls._package(cls.timber, cls.hotline, "Hotline 10 h TIMBER", 10.0, [45.0, 30.0])
        cls.pkg_timber_old = cls._package(
            cls.timber,
            cls.onsite,
            "On-site 4 h TIMBER-OLD",
            4.0,
            [],
            date_start=cls.today - timedelta(days=400),
            date_end=cls.today - timedelta(days=35),
        )
        cls.pkg_bakery = cls._package(cls.bakery, cls.hotline, "Hotline 5 h BAKERY", 5.0, [90.0])

    @classmethod
    def _portal_user(cls, login, company_partner):
        user = new_test_user(
            cls.env,
            login=login,
            password=login,
            name=f"{login} buyer",
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        user.partner_id.parent_id = company_partner
        return user

    @classmethod
    def _package(cls, partner, service, name, hours, minutes, **values):
        package = cls.env["telephony.support.package"].create(
            {
                "name": name,
                "partner_id": partner.id,
                "service_id": service.id,
                "hours_bought": hours,
                "date_start": cls.today - timedelta(days=30),
                "date_end": cls.today + timedelta(days=335),
                **values,
            }
        )
        cls.env["telephony.support.consumption"].create(
            [{"package_id": package.id, "minutes": used, "description": "Call"} for used in minutes]
        )
        return package

    @staticmethod
    def badges(text):
        return re.findall(r'o_support_state">([^<]+)<', text)

    def test_remaining_time_computed_from_consumptions(self):
        self.assertAlmostEqual(self.pkg_timber.hours_used, 1.25)  # 45 + 30 min
        self.assertAlmostEqual(self.pkg_timber.hours_remaining, 8.75)  # 10 h - 1 h 15 min
        self.assertAlmostEqual(self.pkg_bakery.hours_remaining, 3.5)  # 5 h - 90 min

    def test_each_customer_reads_only_their_own_packages(self):
        for user, packages in (
            (self.timber_user, self.pkg_timber | self.pkg_timber_old),
            (self.bakery_user, self.pkg_bakery),
        ):
            self.assertEqual(self.env["telephony.support.package"].with_user(user).search([]), packages)
        own = self.pkg_timber.with_user(self.timber_user)
        self.assertAlmostEqual(own.hours_remaining, 8.75)
        with self.assertRaises(AccessError):
            self.pkg_bakery.with_user(self.timber_user).read(["hours_remaining"])
        with self.assertRaises(AccessError):
            self.pkg_timber.with_user(self.bakery_user).read(["name"])
        with self.assertRaises(AccessError):
            own.write({"hours_bought": 100.0})
        with self.assertRaises(AccessError):
            self.env["telephony.support.consumption"].with_user(self.timber_user).search([])

    def test_page_lists_own_time_bought_used_and_left_with_validity(self):
        self.authenticate("timber", "timber")
        page = self.url_open("/my/support")
        self.assertEqual(page.status_code, 200)
        text = page.text
        for expected in (
            "Hotline 10 h TIMBER",
            "Hotline",
            "10:00",  # bought
            "01:15",  # used: 45 + 30 min
            "08:45",  # left
            format_date(self.env, self.pkg_timber.date_end),
            "On-site 4 h TIMBER-OLD",
            "On-site Visits",
            format_date(self.env, self.pkg_timber_old.date_end),
        ):
            self.assertIn(expected, text)
        self.assertEqual(self.badges(text), ["Valid", "Expired"], "Hotline current, On-site expired")
        for hidden in ("Hotline 5 h BAKERY", "03:30"):
            self.assertNotIn(hidden, text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["support_count"]})
        self.assertEqual(counters["support_count"], 2, "the current and the expired package")

    def test_other_customer_sees_theirs_only(self):
        self.authenticate("bakery", "bakery")
        text = self.url_open("/my/support").text
        for expected in ("Hotline 5 h BAKERY", "05:00", "01:30", "03:30"):
            self.assertIn(expected, text)
        self.assertEqual(self.badges(text), ["Valid"])
        for hidden in ("Hotline 10 h TIMBER", "08:45", "TIMBER-OLD", "On-site Visits"):
            self.assertNotIn(hidden, text)

    def test_customer_without_packages_is_told_so(self):
        new_test_user(self.env, login="nobody", password="nobody", groups="base.group_portal")
        self.authenticate("nobody", "nobody")
        page = self.url_open("/my/support")
        self.assertEqual(page.status_code, 200)
        self.assertIn("You have no prepaid support time yet.", page.text)
