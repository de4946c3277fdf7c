"""Tables as downloads: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
the accents) and XLSX (openpyxl). Cells hold users' text, so one that starts like a
formula is quoted: a spreadsheet shows it and never runs it.

Dates are data here, not text for a reader: rows give ``datetime.date`` values, written
as ISO 8601 in CSV ("2026-12-05", which every spreadsheet reads as a date whatever its
language) and as date cells in XLSX (shown yyyy-mm-dd, sorted and filtered as dates)."""

import csv
from io import BytesIO

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(cell) for cell in header])
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return response


def xlsx_response(filename, sheet_title, header, rows):
    """One sheet of ``rows`` under ``header``, as an XLSX download."""
    return xlsx_workbook_response(filename, [(sheet_title, header, rows)])


def xlsx_workbook_response(filename, sheets):
    """A workbook of ``sheets`` ((title, header, rows)), as an XLSX download: bold
    headers, wrapped cells, the header row frozen, formulas never run (``safe_cell``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([str(cell) for cell in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
