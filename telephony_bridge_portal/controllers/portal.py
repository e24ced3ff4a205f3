from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class SupportPortal(CustomerPortal):
    """The customer's "Support Time": prepaid hours bought, used and left per service, and until when."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_count" in counters:
            values["support_count"] = len(self._support_portal_packages())
        return values

    def _support_portal_packages(self):
        """The support packages the user may read (record rules: their own company's)."""
        packages = request.env["telephony.support.package"]
        return packages.search([]) if packages.has_access("read") else packages

    @http.route(["/my/support"], type="http", auth="user", website=True)
    def portal_my_support(self, **kw):
        # found with the customer's rights; the services' names shown as on the staff's list
        packages = self._support_portal_packages().sudo()
        services = [
            (service, packages.filtered(lambda package, service=service: package.service_id == service))
            for service in packages.service_id.sorted()
        ]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "packages": packages,
                "services": services,
                "today": fields.Date.context_today(packages),
                "page_name": "support_time",
            }
        )
        return request.render("telephony_bridge_portal.portal_my_support", values)
