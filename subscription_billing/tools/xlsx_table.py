"""Write one table to an XLSX workbook: a bold header row, typed columns, filters, frozen header."""

import io
from datetime import datetime

import xlsxwriter

KINDS = ("text", "money", "date", "integer")


def write_table(title, columns, rows):
    """Bytes of an .xlsx file with one sheet ``title``.

    ``columns`` is a list of (header, kind, width) with kind in ``KINDS``; ``rows`` holds one
    value per column (None for an empty cell).
    """
    for header, kind, _width in columns:
        if kind not in KINDS:
            raise ValueError(f"column {header!r}: unknown kind {kind!r}")
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(title[:31])
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "integer": workbook.add_format({"num_format": "0"}),
    }
    for col, (header, _kind, width) in enumerate(columns):
        sheet.write(0, col, header, formats["header"])
        sheet.set_column(col, col, width)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, ((_header, kind, _width), value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value is False:
                continue
            if kind == "date":
                day = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
                sheet.write_datetime(count, col, day, formats["date"])
            elif kind in ("money", "integer"):
                sheet.write_number(count, col, value, formats[kind])
            else:
                sheet.write_string(count, col, str(value))
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
