from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class CertPortal(CustomerPortal):
    """The customer's "Licenses and certificates": what they hold and until when it is valid."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cert_count" in counters:
            values["cert_count"] = sum(len(records) for records in self._cert_portal_records())
        return values

    def _cert_portal_records(self):
        """The licenses and certificate sets the user may read (record rules: their own and their company's)."""
        licenses = request.env["cert.license"]
        sets = request.env["cert.certificate.set"]
        return (
            licenses.search([]) if licenses.has_access("read") else licenses,
            sets.search([("state", "!=", "draft")]) if sets.has_access("read") else sets,
        )

    @http.route(["/my/licenses"], type="http", auth="user", website=True)
    def portal_my_licenses(self, **kw):
        licenses, cert_sets = self._cert_portal_records()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # found with the customer's rights; products and states shown as on the staff's list
                "licenses": licenses.sudo(),
                "cert_sets": cert_sets.sudo(),
                "page_name": "cert_licenses",
            }
        )
        return request.render("cert_issuance_portal.portal_my_licenses", values)
