from odoo import fields, models

STAGES = [
    ("issued", "Issued"),
    ("paid", "Paid"),
    ("ordered", "Ordered"),
    ("generated", "Generated"),
    ("closed", "Closed"),
]


class CertIssuanceReport(models.Model):
    """Issuance statistics: one row per certificate set and pipeline stage it has reached,
    so grouping by stage gives the funnel and by manager the issued / paid / ... table."""

    _name = "cert.issuance.report"
    _description = "Certificate Issuance Statistics"
    _auto = False
    _order = "date desc, set_id, stage_sequence"
    _depends = {
        "cert.certificate.set": [
            "partner_id",
            "product_id",
            "manager_id",
            "registration_admin_id",
            "company_id",
            "region",
            "contract_type",
            "payment_date",
            "state",
            "price_unit",
            "documents_complete",
            "active",
        ],
    }

    set_id = fields.Many2one("cert.certificate.set", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Set Product", readonly=True)
    manager_id = fields.Many2one("res.users", readonly=True)
    registration_admin_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    region = fields.Char(readonly=True)
    contract_type = fields.Selection([("commercial", "Commercial"), ("public", "Public Sector")], readonly=True)
    date = fields.Date(string="Created On", readonly=True)
    payment_date = fields.Date(readonly=True)
    stage = fields.Selection(STAGES, readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    amount = fields.Float(readonly=True)
    documents_complete = fields.Boolean(readonly=True)

    @property
    def _table_query(self):
        return """
            SELECT s.id * 10 + st.seq AS id, s.id AS set_id, s.partner_id, s.product_id, s.manager_id,
                   s.registration_admin_id, s.company_id, s.region, s.contract_type,
                   s.create_date::date AS date, s.payment_date, st.stage, st.seq AS stage_sequence,
                   s.price_unit AS amount, s.documents_complete
              FROM cert_certificate_set s
              JOIN (VALUES ('issued', 1, 0), ('paid', 2, 2), ('ordered', 3, 3), ('generated', 4, 4), ('closed', 5, 5))
                   AS st(stage, seq, min_rank) ON TRUE
             WHERE s.active
               AND (CASE s.state WHEN 'draft' THEN 0 WHEN 'invoiced' THEN 1 WHEN 'paid' THEN 2
                                 WHEN 'ordered' THEN 3 WHEN 'generated' THEN 4 ELSE 5 END) >= st.min_rank
        """
