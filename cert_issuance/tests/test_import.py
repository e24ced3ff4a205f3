import base64
import io
from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CertCommon, perform_all_jobs, trap_jobs

HEADER = "Registry code;Customer;Module;License;Start;End\n"


@tagged("post_install", "-at_install")
class TestLicenseImport(CertCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mapping = cls.env["cert.import.mapping"].create(
            {
                "name": "Vendor export",
                "col_partner_ref": "Registry code",
                "col_partner_name": "Customer",
                "col_product": "Module",
                "col_license_key": "License",
                "col_valid_from": "Start",
                "col_valid_to": "End",
            }
        )

    def _import(self, content, filename="licenses.csv", **vals):
        data = content.encode() if isinstance(content, str) else content
        wizard = self.env["cert.license.import"].create(
            {"file": base64.b64encode(data), "filename": filename, "mapping_id": self.mapping.id, **vals}
        )
        with trap_jobs() as trap:
            wizard.action_import()
            perform_all_jobs(trap)
        return wizard

    def _licenses(self):
        return self.env["cert.license"].search([("license_key", "like", "IMP-")], order="license_key")

    def test_import_matches_partner_by_registry_then_name(self):
        wizard = self._import(
            HEADER
            + "11000003;Wrong Name Ltd;GL;IMP-1;01.01.2026;31.12.2026\n"
            + ";test bakery co;Payroll;IMP-2;;2026-06-30\n"
        )
        self.assertEqual((wizard.created_count, wizard.updated_count), (2, 0))
        first, second = self._licenses()
        self.assertEqual(first.partner_id, self.customer, "found by company registry code despite the name")
        self.assertEqual(first.product_id, self.module_gl, "module found by internal reference")
        self.assertEqual((first.valid_from, first.valid_to), (date(2026, 1, 1), date(2026, 12, 31)))
        self.assertEqual(second.partner_id, self.customer_2, "found by name, case-insensitive")
        self.assertEqual(second.product_id, self.module_payroll, "module found by name")

    def test_reimport_updates_never_duplicates(self):
        self._import(HEADER + "11000003;;GL;IMP-1;;2026-12-31\n")
        wizard = self._import(HEADER + "11000003;;GL;IMP-1;;2027-12-31\n;Test Bakery Co;GL;IMP-3;;2027-01-31\n")
        self.assertEqual((wizard.created_count, wizard.updated_count), (1, 1))
        licenses = self._licenses()
        self.assertEqual(licenses.mapped("license_key"), ["IMP-1", "IMP-3"])
        self.assertEqual(licenses[0].valid_to, date(2027, 12, 31))

    def test_bad_rows_reported_by_line_nothing_written(self):
        content = (
            HEADER
            + "11000003;;GL;IMP-1;;2026-12-31\n"
            + "99999999;Nobody Inc;GL;IMP-2;;2026-12-31\n"
            + "11000003;;Unknown Module;IMP-3;;2026-12-31\n"
            + "11000003;;GL;IMP-4;;not a date\n"
            + "11000003;;GL;IMP-1;;2026-12-31\n"
        )
        with self.assertRaises(UserError) as caught:
            self._import(content)
        message = str(caught.exception)
        self.assertIn("Nothing was imported, 4 rows are bad", message)
        self.assertIn("Line 3: customer 99999999 Nobody Inc not found", message)
        self.assertIn("Line 4: module Unknown Module not found", message)
        self.assertIn('Line 5: valid_to: "not a date" is not a date', message)
        self.assertIn("Line 6: license key IMP-1 repeats line 2", message)
        self.assertFalse(self._licenses())

    def test_a_large_file_is_imported_by_jobs_and_the_wizard_shows_their_progress(self):
        data = (HEADER + "11000003;;GL;IMP-1;;2026-12-31\n;Test Bakery Co;GL;IMP-2;;2027-01-31\n").encode()
        wizard = self.env["cert.license.import"].create(
            {"file": base64.b64encode(data), "filename": "licenses.csv", "mapping_id": self.mapping.id}
        )
        with patch("odoo.addons.cert_issuance.wizards.cert_license_import.IMPORT_BATCH_SIZE", 1), trap_jobs() as trap:
            wizard.action_import()
            trap.assert_jobs_count(2)
            self.assertFalse(self._licenses(), "the jobs import, not the request")
            self.assertEqual((wizard.state, wizard.job_count, wizard.job_done), ("importing", 2, 0))
            self.assertIn("Importing: 0 of 2 parts done.", wizard.result)
            trap.perform_enqueued_jobs()
        self.assertEqual((wizard.state, wizard.job_done), ("done", 2))
        self.assertEqual((wizard.created_count, wizard.updated_count), (2, 0))
        self.assertEqual(wizard.result, "2 licenses created, 0 updated.\n0 rows skipped.")
        self.assertEqual(self._licenses().mapped("license_key"), ["IMP-1", "IMP-2"])

    def test_import_good_rows_option(self):
        wizard = self._import(
            HEADER + "11000003;;GL;IMP-1;;2026-12-31\n99999999;Nobody;GL;IMP-2;;2026-12-31\n", import_good_rows=True
        )
        self.assertEqual(wizard.created_count, 1)
        self.assertIn("Line 3: customer 99999999 Nobody not found", wizard.result)
        self.assertEqual(self._licenses().mapped("license_key"), ["IMP-1"])

    def test_xlsx_file(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Registry code", "Customer", "Module", "License", "Start", "End"])
        sheet.append([11000003, None, "Payroll", "IMP-X", None, date(2026, 9, 30)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wizard = self._import(buffer.getvalue(), filename="licenses.xlsx")
        self.assertEqual(wizard.created_count, 1)
        license_ = self._licenses()
        self.assertEqual((license_.partner_id, license_.valid_to), (self.customer, date(2026, 9, 30)))

    def test_bad_mapping_or_file(self):
        with self.assertRaisesRegex(UserError, 'column "Registry code" is not in the file header'):
            self._import("a,b,c\n1,2,3\n")
        with self.assertRaisesRegex(UserError, "not a readable XLSX"):
            self._import(b"garbage", filename="x.xlsx")
