import io
import logging
import zipfile
from datetime import date, datetime

from odoo import models
from odoo.exceptions import UserError

from ..tools.encoding import guess_encoding
from ..tools.sheet_table import find_table

_logger = logging.getLogger(__name__)

try:
    import openpyxl
except ImportError:  # pragma: no cover - Odoo itself requires openpyxl
    openpyxl = None


class _XlsxBook:
    datemode = 0


class _XlsxSheet:
    """An XLSX sheet read with openpyxl, shaped like the xlrd sheet the OCA parser walks.

    xlrd 2 reads only the old .xls; an .xlsx bank statement would otherwise fall through to
    the CSV reader as zip bytes. Dates come as ``datetime`` (text cells, not xlrd serial
    numbers), numbers as ``float``, empty cells as ``""``.
    """

    def __init__(self, worksheet):
        self.rows = [[self._value(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
        self.nrows = len(self.rows)

    @staticmethod
    def _value(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        return value

    def row_values(self, row):
        return list(self.rows[row])

    def row_len(self, row):
        return len(self.rows[row])

    def cell_type(self, row, col):
        return 1  # xlrd.XL_CELL_TEXT: the value is used as it is

    def cell_value(self, row, col):
        return self.rows[row][col]


class AccountStatementImportSheetParser(models.TransientModel):
    _inherit = "account.statement.import.sheet.parser"

    def _decode_data_file(self, data_file, encoding="utf-8"):
        """The mapping's encoding when it reads the file; otherwise UTF-8 or, by letter
        statistics, Windows-1250 or Windows-1251 (chardet takes one for the other)."""
        return data_file.decode(guess_encoding(data_file, encoding))

    def _get_data_parsers(self):
        return [self._parse_data_openpyxl, *super()._get_data_parsers()]

    def _parse_data_openpyxl(self, mapping, data_file):
        """XLSX (a zip) through openpyxl, first sheet; anything else goes on to xlrd/CSV."""
        if openpyxl is None or not data_file.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data_file)):
            return None
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data_file), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            _logger.debug("Not an XLSX workbook", exc_info=True)
            return None
        try:
            return _XlsxBook(), _XlsxSheet(workbook.worksheets[0])
        finally:
            workbook.close()

    def _parse_lines(self, mapping, data_file, currency_code):
        """With *Find the header* on, the header is the first row holding the mapping's date
        and amount columns, wherever a bank's metadata block puts it, and the table ends at
        the first row without a date (mBank's ``#Saldo końcowe`` footer)."""
        if not mapping.header_detect or mapping.no_header:
            return super()._parse_lines(mapping, data_file, currency_code)
        parsed = self._parse_data(mapping, data_file)
        if isinstance(parsed, tuple):
            sheet = parsed[1]
            rows = [sheet.row_values(i)[mapping.offset_column :] for i in range(sheet.nrows)]
        else:
            raw = list(parsed)
            rows = [row[mapping.offset_column :] for row in raw]
        amounts = [mapping.amount_column, mapping.amount_debit_column, mapping.amount_credit_column]
        table = find_table(rows, mapping.timestamp_column, [name for name in amounts if name])
        if table is None:
            raise UserError(
                self.env._(
                    "No row of this file holds the columns %(columns)s of the sheet mapping %(mapping)s: "
                    "is it the right bank's file?",
                    columns=", ".join(filter(None, [mapping.timestamp_column, *amounts])),
                    mapping=mapping.name,
                )
            )
        header_index, end = table
        # The mapping as it is, only skipping the file's own preamble and footer.
        found = mapping.new(
            {
                "header_lines_skip_count": header_index + 1,
                "footer_lines_skip_count": len(rows) - end if isinstance(parsed, tuple) else 0,
            },
            origin=mapping,
        )
        if not isinstance(parsed, tuple):
            parsed = iter(raw[:end])
        header = self.parse_header(parsed, found)
        columns = {name: self._get_column_indexes(header, name, found) for name in self._get_column_names()}
        return self._parse_rows(found, currency_code, (parsed, data_file), columns)

    def _convert_line_to_transactions(self, line):
        """mBank quotes the payer's account (``'61109010140000071219812874'``) so that a
        spreadsheet keeps its digits: the quotes are no part of the number."""
        if isinstance(line.get("bank_account"), str):
            line = dict(line, bank_account=line["bank_account"].strip().strip("'").strip() or None)
            if not line["bank_account"]:
                line.pop("bank_account")
        return super()._convert_line_to_transactions(line)
