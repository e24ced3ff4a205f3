import logging
import subprocess

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.misc import find_in_path

_logger = logging.getLogger(__name__)

# The contract and the service acceptance act are PDFs made by wkhtmltopdf.
PDF_REPORTS = ("cert_issuance.report_cert_contract", "cert_issuance.report_cert_acceptance")
WKHTMLTOPDF_HELP = (
    "Install wkhtmltopdf 0.12.6 in its build 'with patched qt' (the packages of "
    "github.com/wkhtmltopdf/packaging): other builds print no header and footer."
)


def wkhtmltopdf_version():
    """What ``wkhtmltopdf --version`` says, or None when Odoo finds no wkhtmltopdf."""
    try:
        binary = find_in_path("wkhtmltopdf")
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _register_hook(self):
        """Say at start-up, in the server log, when the contract and act PDFs cannot be printed."""
        super()._register_hook()
        version = wkhtmltopdf_version()
        # A warning for whoever starts the server; a scripted install (--stop-after-init) is told in passing.
        log = _logger.info if config["stop_after_init"] else _logger.warning
        if version is None:
            log(
                "wkhtmltopdf is missing: the certificate contract and acceptance act cannot be printed as PDF. %s",
                WKHTMLTOPDF_HELP,
            )
        elif "patched qt" not in version.lower():
            log(
                "wkhtmltopdf (%s) is not the patched build: contract and act PDFs have no header and footer. %s",
                version.strip(),
                WKHTMLTOPDF_HELP,
            )

    def _cert_check_pdf_printable(self):
        if self.get_wkhtmltopdf_state() in ("install", "broken"):
            raise UserError(
                self.env._(
                    "The contract and the service acceptance act are printed as PDF by wkhtmltopdf, which this "
                    "Odoo server does not have or cannot run. Ask your administrator to install wkhtmltopdf 0.12.6 "
                    "(the build 'with patched qt', for the header and footer) and restart Odoo."
                )
            )

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        if self._get_report(report_ref).report_name in PDF_REPORTS:
            try:
                return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
            except UserError:
                self._cert_check_pdf_printable()
                raise
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
