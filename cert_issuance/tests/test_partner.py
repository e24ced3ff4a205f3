from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestPartner(CertCommon):
    def test_registry_code_validated_per_country(self):
        estonia = self.env.ref("base.ee")
        partner = self.env["res.partner"].create(
            {"name": "Eesti Firma", "is_company": True, "country_id": estonia.id, "company_registry": "11000003"}
        )
        self.assertEqual(partner.company_registry, "11000003")
        with self.assertRaisesRegex(ValidationError, '"11000004" is not a valid company registry code for EE'):
            partner.company_registry = "11000004"
        # a country without a known format is not checked
        partner.write({"country_id": self.env.ref("base.us").id, "company_registry": "ANY-123"})
        self.assertEqual(partner.company_registry, "ANY-123")

    def test_fill_partner_from_certificate_data(self):
        partner = self.env["res.partner"].create({"name": "Empty Customer", "is_company": True})
        cert_set = self._set(
            partner_id=partner.id,
            certificates=[
                {"owner_name": "Mart Tamm", "owner_tax_id": "EE100247019", "owner_email": "mart@example.com"}
            ],
        )
        cert_set.action_fill_partner()
        self.assertEqual(partner.vat, "EE100247019")
        self.assertEqual(partner.email, "mart@example.com")
        # existing data is kept
        cert_set.certificate_ids.write({"owner_email": "other@example.com"})
        cert_set.action_fill_partner()
        self.assertEqual(partner.email, "mart@example.com")

    def test_certificate_tax_id_checked(self):
        partner = self.env["res.partner"].create({"name": "EE Customer", "country_id": self.env.ref("base.ee").id})
        cert_set = self._set(
            partner_id=partner.id,
            certificates=[
                {"owner_name": "Good", "owner_tax_id": "EE100247019"},
                {"owner_name": "Bad", "owner_tax_id": "EE100247018"},
            ],
        )
        self.assertEqual(cert_set.certificate_ids.mapped("tax_id_valid"), [True, False])
