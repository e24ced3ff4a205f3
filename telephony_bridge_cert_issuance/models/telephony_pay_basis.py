from odoo import fields, models
from odoo.addons.telephony_bridge_account.models.telephony_pay_basis import ID_FACTOR
from odoo.tools import SQL

# The rows of a certificate set, with the offset of their id (see ID_FACTOR): the set paid
# or issued, counted for its manager and for its registration administrator.
CERT_ROWS = (
    ("cert_paid_manager", 4, "manager_id", "payment_date"),
    ("cert_issued_manager", 5, "manager_id", "generated_date"),
    ("cert_paid_admin", 6, "registration_admin_id", "payment_date"),
    ("cert_issued_admin", 7, "registration_admin_id", "generated_date"),
)
# a reset set loses its payment; one generated stays issued when it is closed
PAID_STATES = ("paid", "ordered", "generated", "closed")
ISSUED_STATES = ("generated", "closed")


class TelephonyPayBasis(models.Model):
    """Certificate sets in the pay bases: a set counts once paid (on its payment date) and
    once issued (on the date its certificates were generated), for its manager and for its
    registration administrator, with the set's price as its own measure (item_price): the
    money of the set is in the sales already, with the invoice it was paid with."""

    _inherit = "telephony.pay.basis"
    _depends = {
        "cert.certificate.set": [
            "manager_id",
            "registration_admin_id",
            "company_id",
            "partner_id",
            "state",
            "payment_date",
            "generated_date",
            "price_unit",
        ],
    }

    kind = fields.Selection(
        selection_add=[
            ("cert_paid_manager", "Certificate sets paid (manager)"),
            ("cert_issued_manager", "Certificate sets issued (manager)"),
            ("cert_paid_admin", "Certificate sets paid (registration administrator)"),
            ("cert_issued_admin", "Certificate sets issued (registration administrator)"),
        ],
    )

    def _query_parts(self):
        return [*super()._query_parts(), *(self._query_certificate_sets(*row) for row in CERT_ROWS)]

    def _query_certificate_sets(self, kind, offset, user_column, date_column):
        states = ISSUED_STATES if date_column == "generated_date" else PAID_STATES
        return SQL(
            """
            SELECT cert_set.id * %(factor)s + %(offset)s, %(kind)s, cert_set.%(user)s, cert_set.company_id,
                   cert_set.%(date)s, cert_set.partner_id, NULL::integer, 1, 0.0, 0.0, 0.0, 0.0,
                   cert_set.price_unit,
                   'cert.certificate.set', cert_set.id
              FROM cert_certificate_set cert_set
             WHERE cert_set.%(user)s IS NOT NULL AND cert_set.%(date)s IS NOT NULL AND cert_set.state IN %(states)s
            """,
            factor=ID_FACTOR,
            offset=offset,
            kind=kind,
            user=SQL.identifier(user_column),
            date=SQL.identifier(date_column),
            states=states,
        )
