from odoo import fields, models


class AccountStatementImportSheetMapping(models.Model):
    _inherit = "account.statement.import.sheet.mapping"

    # Polish banks (mBank, PKO BP, Pekao) export Windows-1250; the OCA list stops at ISO 8859-2.
    file_encoding = fields.Selection(
        selection_add=[("windows-1250", "Central European (Windows-1250)")],
        ondelete={"windows-1250": "set default"},
    )
