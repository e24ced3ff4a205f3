from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestSecurity(CertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_a = cls._set(manager=cls.manager_a)
        cls.set_b = cls._set(manager=cls.manager_b)
        cls.license_a = cls._license("2027-01-01", key="SEC-A", manager=cls.manager_a)
        cls.license_b = cls._license("2027-01-01", key="SEC-B", manager=cls.manager_b)
        cls.all_sets = cls.set_a | cls.set_b

    def test_manager_sees_own_sets_and_licenses(self):
        sets = self.env["cert.certificate.set"].with_user(self.manager_a).search([("id", "in", self.all_sets.ids)])
        self.assertEqual(sets, self.set_a)
        licenses = self.env["cert.license"].with_user(self.manager_a).search([("license_key", "like", "SEC-")])
        self.assertEqual(licenses, self.license_a)
        certificates = (
            self.env["cert.certificate"].with_user(self.manager_a).search([("set_id", "in", self.all_sets.ids)])
        )
        self.assertEqual(certificates, self.set_a.certificate_ids)
        with self.assertRaises(AccessError):
            self.set_b.with_user(self.manager_a).write({"region": "North"})
        with self.assertRaises(AccessError):
            self.set_b.with_user(self.manager_a).read(["name"])
        self.set_a.with_user(self.manager_a).write({"region": "North"})
        self.assertEqual(self.set_a.region, "North")

    def test_manager_cannot_delete_sets(self):
        with self.assertRaises(AccessError):
            self.set_a.with_user(self.manager_a).unlink()

    def test_head_of_department_sees_all(self):
        sets = self.env["cert.certificate.set"].with_user(self.head).search([("id", "in", self.all_sets.ids)])
        self.assertEqual(sets, self.all_sets)
        self.set_b.with_user(self.head).write({"region": "South"})
        report = self.env["cert.issuance.report"].with_user(self.head).search([("set_id", "in", self.all_sets.ids)])
        self.assertEqual(report.manager_id, self.manager_a | self.manager_b)
        report_a = (
            self.env["cert.issuance.report"].with_user(self.manager_a).search([("set_id", "in", self.all_sets.ids)])
        )
        self.assertEqual(report_a.set_id, self.set_a)

    def test_other_company_hidden(self):
        other = self.setup_other_company()["company"] if hasattr(self, "setup_other_company") else None
        if other is None:
            other = self.env["res.company"].create({"name": "Other Certs Co"})
        self.head.write({"company_ids": [(4, other.id)]})
        foreign = self.env["cert.license"].create(
            {
                "license_key": "SEC-OTHER",
                "partner_id": self.customer_2.id,
                "product_id": self.module_gl.id,
                "valid_to": "2027-01-01",
                "manager_id": self.head.id,
                "company_id": other.id,
            }
        )
        visible = self.env["cert.license"].with_user(self.head).with_context(allowed_company_ids=[self.company.id])
        self.assertNotIn(foreign, visible.search([("license_key", "like", "SEC-")]))
        visible_both = (
            self.env["cert.license"].with_user(self.head).with_context(allowed_company_ids=[self.company.id, other.id])
        )
        self.assertIn(foreign, visible_both.search([("license_key", "like", "SEC-")]))
