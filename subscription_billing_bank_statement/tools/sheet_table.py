"""Finding a bank statement's table inside a sheet that has more than the table.

Polish banks put a metadata block of variable length above the column header (mBank:
the bank's address, ``#Klient;``, ``#Za okres:;``, ``#Waluta;``, ``#Saldo początkowe``...)
and a footer below the rows (mBank: ``;;;;;;#Saldo końcowe;...`` and a legal note), so a
fixed number of lines to skip fits one export and not the next. The header is the first
row holding the mapping's date column and its amount column(s); the rows end at the first
non-empty row without a date.
"""

# How far down the header may be looked for.
HEADER_SEARCH_ROWS = 200


def _cell(value):
    return str(value).strip() if value is not None else ""


def find_table(rows, date_column, amount_columns, search_rows=HEADER_SEARCH_ROWS):
    """``(header_index, end_index)`` of the table in ``rows`` (a list of lists of cells).

    ``amount_columns`` are the mapping's amount column names (one signed column, or the
    debit and the credit columns); a name with commas is several columns joined, as the OCA
    mapping allows. The data rows are ``rows[header_index + 1:end_index]``. Returns
    ``None`` when no row within ``search_rows`` holds all the names.
    """
    wanted = {_cell(date_column)}
    for name in amount_columns:
        wanted.update(_cell(part) for part in (name or "").split(",") if _cell(part))
    wanted.discard("")
    for index, row in enumerate(rows[:search_rows]):
        cells = [_cell(value) for value in row]
        if wanted.issubset(cells):
            date_at = cells.index(_cell(date_column))
            return index, _table_end(rows, index + 1, date_at)
    return None


def _table_end(rows, start, date_at):
    for index in range(start, len(rows)):
        cells = [_cell(value) for value in rows[index]]
        if not any(cells):
            continue  # blank lines are the parser's to skip
        if date_at >= len(cells) or not cells[date_at] or cells[date_at].startswith("#"):
            return index
    return len(rows)
