from unittest.mock import patch

from odoo.addons.cert_issuance.models import ir_actions_report
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import CertCommon


@tagged("post_install", "-at_install")
class TestPrintouts(CertCommon):
    def _html(self, xmlid, records):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(xmlid, records.ids)
        return html.decode()

    def test_contract_template_per_contract_type(self):
        commercial = self._set(
            contract_type="commercial", certificates=[{"owner_name": "Mart Tamm", "serial": "QES-7"}]
        )
        public = self._set(contract_type="public", certificates=[{"owner_name": "Mayor Office"}])
        html = self._html("cert_issuance.action_report_cert_contract", commercial)
        self.assertIn("Commercial Service Contract", html)
        self.assertNotIn("Public Sector Service Contract", html)
        self.assertIn(commercial.name, html)
        self.assertIn("Mart Tamm", html)
        self.assertIn("QES-7", html)
        html = self._html("cert_issuance.action_report_cert_contract", public)
        self.assertIn("Public Sector Service Contract", html)
        self.assertIn("public procurement rules", html)
        self.assertNotIn("Commercial Service Contract", html)

    def test_acceptance_act_and_invoice(self):
        cert_set = self._set()
        cert_set.action_create_invoice()
        html = self._html("cert_issuance.action_report_cert_acceptance", cert_set)
        self.assertIn("Service Acceptance Act", html)
        self.assertIn(cert_set.invoice_id.name, html)
        action = cert_set.with_context(discard_logo_check=True).action_print_invoice()
        self.assertEqual(action["report_name"], "account.report_invoice_with_payments")
        self.assertEqual(action["context"]["active_ids"], cert_set.invoice_id.ids)

    def test_printout_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.set_product.with_context(lang="fr_FR").name = "Ensemble de signature qualifiée"
        self.customer.lang = "fr_FR"
        cert_set = self._set()
        html = self._html("cert_issuance.action_report_cert_contract", cert_set)
        self.assertIn("Ensemble de signature qualifiée", html)
        self.customer.lang = "en_US"
        html = self._html("cert_issuance.action_report_cert_contract", cert_set)
        self.assertIn("Qualified E-Signature Set", html)
        self.assertNotIn("Ensemble de signature", html)

    def test_pdf_without_wkhtmltopdf_says_what_to_install(self):
        cert_set = self._set()
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with patch.object(type(reports), "get_wkhtmltopdf_state", return_value="install"):
            with self.assertRaisesRegex(UserError, "install wkhtmltopdf 0.12.6 .the build 'with patched qt'"):
                cert_set.action_print_contract()
            with self.assertRaisesRegex(UserError, "install wkhtmltopdf 0.12.6"):
                cert_set.action_print_acceptance()
            with self.assertRaisesRegex(UserError, "The contract and the service acceptance act are printed as PDF"):
                reports._render_qweb_pdf("cert_issuance.action_report_cert_contract", cert_set.ids)

    def test_server_start_warns_when_wkhtmltopdf_is_missing_or_unpatched(self):
        logger = "odoo.addons.cert_issuance.models.ir_actions_report"
        reports = self.env["ir.actions.report"]
        with patch.dict(config.options, stop_after_init=False):
            missing = patch.object(ir_actions_report, "find_in_path", side_effect=OSError("not found"))
            with missing, self.assertLogs(logger, "WARNING") as logs:
                reports._register_hook()
            self.assertIn("wkhtmltopdf is missing: the certificate contract and acceptance act", logs.output[0])
            unpatched = patch.object(ir_actions_report, "wkhtmltopdf_version", return_value="wkhtmltopdf 0.12.6\n")
            with unpatched, self.assertLogs(logger, "WARNING") as logs:
                reports._register_hook()
            self.assertIn("is not the patched build", logs.output[0])
