import io

import openpyxl

from odoo.tests import tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestXlsxExport(CertCommon):
    def _export(self, report_xmlid, records):
        content, _kind = self.env["ir.actions.report"]._render_xlsx(report_xmlid, records.ids, {})
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]

    def test_export_licenses(self):
        license_ = self._license("2027-01-31", key="XL-1")
        license_.partner_id.name = "=1+2"
        sheet, rows = self._export("cert_issuance.action_report_license_xlsx", license_)
        self.assertEqual(rows[0][:3], ["License Key / Serial", "Customer", "Module"])
        self.assertEqual(rows[1][:3], ["XL-1", "=1+2", "[GL] General Ledger"])
        self.assertEqual(sheet["B2"].data_type, "s", "a customer name is never turned into a formula")
        self.assertEqual(rows[1][4].date().isoformat(), "2027-01-31")

    def test_export_sets_certificates_and_statistics(self):
        cert_set = self._set(region="North", certificates=[{"owner_name": "Mart Tamm", "purpose": "encryption"}])
        _sheet, rows = self._export("cert_issuance.action_report_certificate_set_xlsx", cert_set)
        self.assertEqual(rows[1][0], cert_set.name)
        self.assertIn("North", rows[1])
        _sheet, rows = self._export("cert_issuance.action_report_certificate_xlsx", cert_set.certificate_ids)
        self.assertEqual(rows[1][2:5], ["Mart Tamm", None, "Encryption"])
        stats = self.env["cert.issuance.report"].search([("set_id", "=", cert_set.id)])
        _sheet, rows = self._export("cert_issuance.action_report_issuance_report_xlsx", stats)
        self.assertEqual(rows[1][:2], [cert_set.name, "Issued"])

    def test_reports_are_in_the_print_menu_of_each_list(self):
        for xmlid, model in (
            ("cert_issuance.action_report_license_xlsx", "cert.license"),
            ("cert_issuance.action_report_certificate_set_xlsx", "cert.certificate.set"),
            ("cert_issuance.action_report_certificate_xlsx", "cert.certificate"),
            ("cert_issuance.action_report_issuance_report_xlsx", "cert.issuance.report"),
        ):
            report = self.env.ref(xmlid)
            self.assertEqual((report.report_type, report.binding_model_id.model), ("xlsx", model))
