from datetime import timedelta

from odoo import fields
from odoo.addons.cert_issuance.tests.common import CertCommon
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import format_date


@tagged("post_install", "-at_install")
class TestPortalLicenses(CertCommon, HttpCase):
    """Two portal customers, each with a license and a generated certificate set, try each other's records.

    Timber's license runs 200 days more; its certificate expires in 20 days, inside the
    company's 30-day notice, so it shows as expiring. Bakery's are its own.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.timber_user = cls._portal_user("timber", cls.customer)
        cls.bakery_user = cls._portal_user("bakery", cls.customer_2)
        cls.license_timber = cls._license(cls.today + timedelta(days=200), key="TIMBER-GL-1")
        cls.license_bakery = cls._license(
            cls.today + timedelta(days=300),
            key="BAKERY-PAY-9",
            product=cls.module_payroll,
            partner_id=cls.customer_2.id,
        )
        cls.set_timber = cls._cert_set(cls.customer, "Mart Tamm", "SER-TIMBER-1", cls.today + timedelta(days=20))
        cls.set_bakery = cls._cert_set(cls.customer_2, "Liis Saar", "SER-BAKERY-1", cls.today + timedelta(days=365))
        cls.set_draft = cls._cert_set(cls.customer, "Juhan Kask", "SER-DRAFT-1", cls.today + timedelta(days=365))
        cls.set_draft.state = "draft"

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
    def _cert_set(cls, partner, owner, serial, valid_to):
        return cls._set(
            partner_id=partner.id,
            state="generated",
            certificates=[
                {
                    "owner_name": owner,
                    "purpose": "signing",
                    "serial": serial,
                    "valid_from": valid_to - timedelta(days=365),
                    "valid_to": valid_to,
                }
            ],
        )

    def test_each_customer_reads_only_their_own_records(self):
        for user, license, cert_set in (
            (self.timber_user, self.license_timber, self.set_timber | self.set_draft),
            (self.bakery_user, self.license_bakery, self.set_bakery),
        ):
            self.assertEqual(self.env["cert.license"].with_user(user).search([]), license)
            self.assertEqual(self.env["cert.certificate.set"].with_user(user).search([]), cert_set)
            self.assertEqual(self.env["cert.certificate"].with_user(user).search([]), cert_set.certificate_ids)
        with self.assertRaises(AccessError):
            self.license_bakery.with_user(self.timber_user).read(["license_key"])
        with self.assertRaises(AccessError):
            self.set_timber.certificate_ids.with_user(self.bakery_user).read(["serial"])
        with self.assertRaises(AccessError):
            self.license_timber.with_user(self.timber_user).write({"valid_to": self.today})

    def test_page_lists_own_licenses_and_certificates_with_expiry(self):
        self.authenticate("timber", "timber")
        page = self.url_open("/my/licenses")
        self.assertEqual(page.status_code, 200)
        text = page.text
        certificate = self.set_timber.certificate_ids
        self.assertEqual(certificate.state, "expiring")
        for expected in (
            "TIMBER-GL-1",
            "General Ledger",
            format_date(self.env, self.license_timber.valid_to),
            self.set_timber.name,
            "Mart Tamm",
            "SER-TIMBER-1",
            format_date(self.env, certificate.valid_to),
            "Expiring",
        ):
            self.assertIn(expected, text)
        for hidden in ("BAKERY-PAY-9", "SER-BAKERY-1", "Liis Saar", "SER-DRAFT-1"):
            self.assertNotIn(hidden, text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["cert_count"]})
        self.assertEqual(counters["cert_count"], 2, "one license and one issued set")

    def test_other_customer_sees_theirs_only(self):
        self.authenticate("bakery", "bakery")
        text = self.url_open("/my/licenses").text
        for expected in ("BAKERY-PAY-9", "Payroll", "SER-BAKERY-1", "Liis Saar"):
            self.assertIn(expected, text)
        for hidden in ("TIMBER-GL-1", "SER-TIMBER-1", "Mart Tamm"):
            self.assertNotIn(hidden, text)

    def test_customer_without_records_is_told_so(self):
        new_test_user(self.env, login="nobody", password="nobody", groups="base.group_portal")
        self.authenticate("nobody", "nobody")
        page = self.url_open("/my/licenses")
        self.assertEqual(page.status_code, 200)
        self.assertIn("You have no license or certificate yet.", page.text)
