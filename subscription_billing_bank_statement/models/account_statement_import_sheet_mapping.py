from odoo import fields, models


class AccountStatementImportSheetMapping(models.Model):
    _inherit = "account.statement.import.sheet.mapping"

    # Polish banks (mBank, PKO BP, Pekao) export Windows-1250; the OCA list stops at ISO 8859-2.
    file_encoding = fields.Selection(
        selection_add=[("windows-1250", "Central European (Windows-1250)")],
        ondelete={"windows-1250": "set default"},
    )
    header_detect = fields.Boolean(
        "Find the Header",
        help="The file has a block of the bank's own lines of varying length above the column "
        "header (mBank): the header is the first row holding the date and amount columns named "
        "here, and the rows end at the first one without a date. The header lines to skip are "
        "then not used.",
    )
