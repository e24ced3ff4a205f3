import base64
import io

import openpyxl

from odoo.tests import tagged

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestXlsxExport(CertCommon):
    def _export(self, records):
        action = self.env["cert.xlsx.export"].action_export(records)
        export_id = int(action["url"].split("/")[4])
        export = self.env["cert.xlsx.export"].browse(export_id)
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file))).active
        return export, [[cell.value for cell in row] for row in sheet.iter_rows()]

    def test_export_licenses(self):
        license_ = self._license("2027-01-31", key="XL-1")
        export, rows = self._export(license_)
        self.assertTrue(export.filename.endswith(".xlsx"))
        self.assertEqual(rows[0][:3], ["License Key / Serial", "Customer", "Module"])
        self.assertEqual(rows[1][:3], ["XL-1", "Test Timber Co", "[GL] General Ledger"])
        self.assertEqual(rows[1][4].date().isoformat(), "2027-01-31")

    def test_export_sets_certificates_and_statistics(self):
        cert_set = self._set(region="North", certificates=[{"owner_name": "Mart Tamm", "purpose": "encryption"}])
        _export, rows = self._export(cert_set)
        self.assertEqual(rows[1][0], cert_set.name)
        self.assertIn("North", rows[1])
        _export, rows = self._export(cert_set.certificate_ids)
        self.assertEqual(rows[1][2:5], ["Mart Tamm", None, "Encryption"])
        stats = self.env["cert.issuance.report"].search([("set_id", "=", cert_set.id)])
        _export, rows = self._export(stats)
        self.assertEqual(rows[1][:2], [cert_set.name, "Issued"])

    def test_server_action_bound_to_list(self):
        license_ = self._license("2027-01-31", key="XL-2")
        action = self.env.ref("cert_issuance.cert_license_action_export_xlsx")
        result = action.with_context(active_model="cert.license", active_ids=license_.ids).run()
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertIn("/web/content/cert.xlsx.export/", result["url"])
