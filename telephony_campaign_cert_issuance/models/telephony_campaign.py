from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools.months import month_bounds


class TelephonyCampaign(models.Model):
    _inherit = "telephony.campaign"

    cert_expiring = fields.Boolean(
        "Licenses and Certificates Expiring",
        help="Fill with the customers whose license or certificate (active, not renewed yet) expires "
        "in the month of 'Expiring In'.",
    )
    cert_expiry_month = fields.Date(
        "Expiring In",
        default=fields.Date.context_today,
        help="Any day of the month whose expiring licenses and certificates the campaign calls about.",
    )

    def _has_partner_source(self):
        return super()._has_partner_source() or self.cert_expiring

    def _partners_to_add(self):
        partners = super()._partners_to_add()
        if self.cert_expiring:
            partners |= self._cert_expiring_customers()
        return partners

    def _cert_expiry_bounds(self):
        """First and last day of the campaign's expiry month (this month when none is chosen)."""
        self.ensure_one()
        return month_bounds(self.cert_expiry_month or fields.Date.context_today(self))

    def _cert_expiring_items(self, partners=None):
        """The licenses and certificates of the campaign's company expiring in its month that
        cert_issuance still reminds of (active, not renewed), read with the user's rights:
        a manager finds their own customers', the head of department everybody's."""
        self.ensure_one()
        first, last = self._cert_expiry_bounds()
        common = [
            ("renewed_by_id", "=", False),
            ("valid_to", ">=", first),
            ("valid_to", "<=", last),
            ("company_id", "=", self.company_id.id),
        ]
        if partners is not None:
            common.append(("partner_id", "child_of", partners.ids))
        licenses = self.env["cert.license"].search(common, order="valid_to, id")
        certificates = self.env["cert.certificate"].search(
            [*common, ("set_id.active", "=", True)], order="valid_to, id"
        )
        return sorted([*licenses, *certificates], key=lambda item: (item.valid_to, item._name, item.id))

    def _cert_expiring_customers(self):
        """Customers (commercial partners) with a license or certificate expiring in the campaign's
        month, the soonest expiring first."""
        self.ensure_one()
        if not self.env.user.has_group("cert_issuance.group_cert_issuance_user"):
            raise UserError(
                _(
                    "Filling a campaign with expiring licenses and certificates needs the "
                    "Certificate Issuance user right."
                )
            )
        customers = self.env["res.partner"]
        for item in self._cert_expiring_items():
            customers |= item.partner_id.commercial_partner_id
        return customers
