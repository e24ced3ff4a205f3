from odoo import models

from ..tools.encoding import guess_encoding


class AccountStatementImportSheetParser(models.TransientModel):
    _inherit = "account.statement.import.sheet.parser"

    def _decode_data_file(self, data_file, encoding="utf-8"):
        """The mapping's encoding when it reads the file; otherwise UTF-8 or, by letter
        statistics, Windows-1250 or Windows-1251 (chardet takes one for the other)."""
        return data_file.decode(guess_encoding(data_file, encoding))
