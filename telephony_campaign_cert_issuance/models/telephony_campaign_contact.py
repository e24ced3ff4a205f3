from odoo import _, fields, models
from odoo.tools.misc import format_date

# Who may read a customer's licenses and certificates: cert_issuance's users (their own
# customers') and its administrators (everybody's).
CERT_USERS = "cert_issuance.group_cert_issuance_user"


class TelephonyCampaignContact(models.Model):
    _inherit = "telephony.campaign.contact"

    cert_expiring_text = fields.Text(
        "Expiring Licenses and Certificates",
        compute="_compute_cert_expiring_text",
        groups=CERT_USERS,
        help="The customer's active licenses and certificates, not renewed yet, expiring in the "
        "campaign's month, with their expiry dates.",
    )

    def _compute_cert_expiring_text(self):
        for contact in self:
            partner = contact.partner_id.commercial_partner_id
            items = contact.campaign_id._cert_expiring_items(partner) if partner and contact.campaign_id else []
            contact.cert_expiring_text = "\n".join(
                _(
                    "%(item)s expires on %(date)s",
                    item=item._cert_reminder_label(),
                    date=format_date(self.env, item.valid_to),
                )
                for item in items
            )
