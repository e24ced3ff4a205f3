from odoo import fields, models, tools
from odoo.tools import SQL

# A row's id is the id of its source record times ID_FACTOR plus the offset of its kind,
# so that it stays the same from one reading to the next. A bridge adding kinds takes
# free offsets (the certificates bridge takes 4 to 7).
ID_FACTOR = 10


class TelephonyPayBasis(models.Model):
    """The bases of an employee's pay, one row per event a payroll clerk counts: a support
    call with its talk time, a support package with its hours bought, or an invoice paid with
    its amount. Each kind has its own measure: a total across kinds means nothing. Read only, no payroll
    computed: the clerk sums them per employee and month in the pivot or the Excel file.

    Sales count customer invoices (credit notes subtracting) in the month they were paid in
    full: the date of the last reconciliation that paid them, or their invoice date when it
    was paid without a reconciliation (a payment without a journal entry)."""

    _name = "telephony.pay.basis"
    _description = "Pay Basis"
    _auto = False
    _order = "date desc, user_id, kind"
    _rec_name = "kind"
    # what the view reads: flushed before any query on it
    _depends = {
        "telephony.support.consumption": [
            "call_id",
            "company_id",
            "date",
            "partner_id",
            "service_id",
            "talk_seconds",
            "minutes",
        ],
        "telephony.call": ["agent_id"],
        "telephony.support.package": [
            "user_id",
            "company_id",
            "partner_id",
            "service_id",
            "hours_bought",
            "invoice_id",
        ],
        "account.move": [
            "state",
            "move_type",
            "payment_state",
            "invoice_user_id",
            "company_id",
            "commercial_partner_id",
            "amount_untaxed_signed",
            "invoice_date",
        ],
        "account.move.line": ["move_id", "display_type"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "max_date"],
    }

    kind = fields.Selection(
        [
            ("support_call", "Support calls"),
            ("support_package", "Support packages paid"),
            ("sale", "Sales (invoices paid)"),
        ],
        string="Basis",
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Employee", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    service_id = fields.Many2one("telephony.support.service", readonly=True)
    quantity = fields.Integer(
        readonly=True, aggregator="sum", help="Calls, packages, invoices (a credit note counts -1) or certificate sets."
    )
    talk_minutes = fields.Float(
        string="Talk Time (min)", readonly=True, digits=(16, 2), aggregator="sum", help="Support calls only."
    )
    charged_minutes = fields.Float(string="Minutes Charged", readonly=True, digits=(16, 2), aggregator="sum")
    hours_bought = fields.Float(readonly=True, digits=(16, 2), aggregator="sum", help="Support packages only.")
    # Each kind has its own measure, so that no money counts twice: the invoice a package
    # or a certificate set was sold with is a sales row already.
    amount = fields.Monetary(
        string="Amount Paid (untaxed)",
        readonly=True,
        aggregator="sum",
        help="Sales only, in the company's currency: the untaxed amount of the invoice paid "
        "(a credit note subtracts). Packages and certificate sets carry none: their invoice is a sales row.",
    )
    item_price = fields.Monetary(
        string="Price of the Item (untaxed)",
        readonly=True,
        aggregator="sum",
        help="Certificate sets only: the set's price, counted in each of its bases (paid, issued; "
        "manager, registration administrator). Never add it to the sales.",
    )
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Many2oneReference(string="Source", model_field="res_model", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    def _query(self):
        rows = SQL(" UNION ALL ").join(SQL("(%s)", part) for part in self._query_parts())
        return SQL("SELECT * FROM (%s) AS basis(%s)", rows, SQL(self._columns()))

    def _query_parts(self):
        """The SELECTs of the view, each giving the columns of :meth:`_columns` in order."""
        return [self._query_support_calls(), self._query_support_packages(), self._query_sales()]

    @staticmethod
    def _columns():
        return (
            "id, kind, user_id, company_id, date, partner_id, service_id, quantity, "
            "talk_minutes, charged_minutes, hours_bought, amount, item_price, res_model, res_id"
        )

    def _paid_invoices(self):
        """Posted customer invoices and credit notes paid in full, with the date they were."""
        return SQL(
            """
            SELECT move.id, move.move_type, move.invoice_user_id, move.company_id, move.commercial_partner_id,
                   move.amount_untaxed_signed,
                   COALESCE(
                       (SELECT MAX(part.max_date)
                          FROM account_move_line line
                          JOIN account_partial_reconcile part
                            ON part.debit_move_id = line.id OR part.credit_move_id = line.id
                         WHERE line.move_id = move.id AND line.display_type = 'payment_term'),
                       move.invoice_date
                   ) AS paid_date
              FROM account_move move
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.payment_state IN ('paid', 'in_payment')
            """
        )

    def _query_support_calls(self):
        return SQL(
            """
            SELECT consumption.id * %(factor)s + 1, 'support_call', call.agent_id, consumption.company_id,
                   consumption.date::date, consumption.partner_id, consumption.service_id,
                   1, ROUND(consumption.talk_seconds / 60.0, 2), consumption.minutes, 0.0, 0.0, 0.0,
                   'telephony.support.consumption', consumption.id
              FROM telephony_support_consumption consumption
              JOIN telephony_call call ON call.id = consumption.call_id
            """,
            factor=ID_FACTOR,
        )

    def _query_support_packages(self):
        return SQL(
            """
            SELECT package.id * %(factor)s + 2, 'support_package', package.user_id, package.company_id,
                   paid.paid_date, package.partner_id, package.service_id,
                   1, 0.0, 0.0, package.hours_bought, 0.0, 0.0,
                   'telephony.support.package', package.id
              FROM telephony_support_package package
              JOIN (%(paid)s) paid ON paid.id = package.invoice_id
            """,
            factor=ID_FACTOR,
            paid=self._paid_invoices(),
        )

    def _query_sales(self):
        return SQL(
            """
            SELECT paid.id * %(factor)s + 3, 'sale', paid.invoice_user_id, paid.company_id, paid.paid_date,
                   paid.commercial_partner_id, NULL::integer,
                   CASE WHEN paid.move_type = 'out_refund' THEN -1 ELSE 1 END, 0.0, 0.0, 0.0,
                   paid.amount_untaxed_signed, 0.0, 'account.move', paid.id
              FROM (%(paid)s) paid
            """,
            factor=ID_FACTOR,
            paid=self._paid_invoices(),
        )

    def action_export_xlsx(self):
        """Excel file of the selected rows (all the rows the user may read when none)."""
        report = self.env.ref("telephony_bridge_account.action_report_pay_basis_xlsx")
        return report.report_action(self or self.search([]), config=False)
