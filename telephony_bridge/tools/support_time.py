"""Support time arithmetic and the remaining-time spreadsheet (no Odoo import)."""

import io
import math

import xlsxwriter

ROUND_UP = "up"
ROUND_NEAREST = "nearest"
ROUND_NONE = "none"


def charged_minutes(talk_seconds, step_minutes=0, mode=ROUND_UP, free_seconds=0, minimum_minutes=0):
    """Minutes a call consumes from a prepaid package.

    Calls up to ``free_seconds`` are free; otherwise the talk time is rounded to a
    multiple of ``step_minutes`` (up or to the nearest, at least one step), and at
    least ``minimum_minutes`` are charged.
    """
    talk_seconds = max(0, int(talk_seconds or 0))
    if talk_seconds == 0 or talk_seconds <= (free_seconds or 0):
        return 0.0
    minutes = talk_seconds / 60.0
    if step_minutes and step_minutes > 0 and mode != ROUND_NONE:
        steps = minutes / step_minutes
        steps = math.ceil(steps - 1e-9) if mode == ROUND_UP else max(1, math.floor(steps + 0.5))
        minutes = steps * step_minutes
    return round(max(minutes, minimum_minutes or 0), 2)


def remaining_xlsx(rows, title="Remaining support time"):
    """Bytes of an .xlsx with one line per package.

    ``rows``: dicts with customer, service, bought, used, remaining (hours), end (text).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Support time")
    bold = workbook.add_format({"bold": True})
    hours = workbook.add_format({"num_format": "0.00"})
    low = workbook.add_format({"num_format": "0.00", "font_color": "#C00000", "bold": True})
    sheet.write(0, 0, title, bold)
    headers = ["Customer", "Service", "Hours bought", "Hours used", "Hours remaining", "Valid until"]
    for column, header in enumerate(headers):
        sheet.write(2, column, header, bold)
    for index, row in enumerate(rows, start=3):
        sheet.write(index, 0, row["customer"])
        sheet.write(index, 1, row["service"])
        sheet.write_number(index, 2, row["bought"], hours)
        sheet.write_number(index, 3, row["used"], hours)
        sheet.write_number(index, 4, row["remaining"], low if row.get("low") else hours)
        sheet.write(index, 5, row.get("end") or "")
    last = 3 + len(rows)
    if rows:
        sheet.write(last, 0, "Total", bold)
        for column, letter in ((2, "C"), (3, "D"), (4, "E")):
            total = sum(row[("bought", "used", "remaining")[column - 2]] for row in rows)
            sheet.write_formula(last, column, f"=SUM({letter}4:{letter}{last})", hours, total)
    sheet.set_column(0, 1, 32)
    sheet.set_column(2, 5, 16)
    workbook.close()
    return buffer.getvalue()
