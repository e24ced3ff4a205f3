from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import payment_file

COLUMN_HELP = "Header of the column in the file, or its number (1 for the first column)."


class SubscriptionPaymentMapping(models.Model):
    """Where a bank's, terminal's or internet bank's file keeps each field of a payment."""

    _name = "subscription.payment.mapping"
    _description = "Payment File Mapping"
    _order = "name"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    journal_id = fields.Many2one("account.journal", check_company=True, domain=[("type", "in", ("bank", "cash"))])
    has_header = fields.Boolean("First Row Is a Header", default=True)
    delimiter = fields.Selection(
        [(",", "Comma"), (";", "Semicolon"), ("\t", "Tab"), ("|", "Vertical bar")],
        help="Empty: recognized from the file.",
    )
    decimal = fields.Selection([("comma", "Comma"), ("point", "Point")], help="Empty: recognized per amount.")
    column_contract = fields.Char("Contract Number", help=COLUMN_HELP)
    column_invoice = fields.Char("Invoice Number", help=COLUMN_HELP)
    column_reference = fields.Char("Customer Reference", help=COLUMN_HELP)
    column_phone = fields.Char("Phone", help=COLUMN_HELP)
    column_payer_name = fields.Char("Payer Name", help=COLUMN_HELP)
    column_amount = fields.Char("Amount", required=True, help=COLUMN_HELP)
    column_date = fields.Char("Date", required=True, help=COLUMN_HELP)
    column_transaction = fields.Char("Transaction Id", help=COLUMN_HELP)

    _FIELD_OF = {
        "column_contract": "contract",
        "column_invoice": "invoice",
        "column_reference": "reference",
        "column_phone": "phone",
        "column_payer_name": "payer_name",
        "column_amount": "amount",
        "column_date": "date",
        "column_transaction": "transaction_id",
    }

    @api.constrains(*_FIELD_OF)
    def _check_columns(self):
        for mapping in self:
            try:
                mapping._as_file_mapping()
            except ValueError as error:
                raise ValidationError(
                    self.env._("Mapping %(name)s: %(error)s", name=mapping.name, error=error)
                ) from error

    def _as_file_mapping(self):
        self.ensure_one()
        columns = {}
        for fname, key in self._FIELD_OF.items():
            value = (self[fname] or "").strip()
            if value:
                columns[key] = int(value) if value.isdigit() else value
        return payment_file.Mapping(
            columns=columns, has_header=self.has_header, delimiter=self.delimiter or None, decimal=self.decimal or None
        )
