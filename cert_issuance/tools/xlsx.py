"""Write a table to an XLSX file with xlsxwriter (bold header, dates formatted)."""

import io
from datetime import date, datetime


def build_xlsx(sheet_name, headers, rows):
    """Bytes of an XLSX workbook with one sheet: ``headers`` then ``rows`` (lists of values)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
        sheet.set_column(col, col, max(12, len(str(header)) + 2))
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime | date):
                sheet.write_datetime(row_index, col, datetime(value.year, value.month, value.day), date_format)
            elif value is None or value is False:
                sheet.write_blank(row_index, col, None)
            else:
                sheet.write(row_index, col, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
