"""CSV downloads as municipal offices open them: UTF-8 with a BOM, so Excel in Japan shows
the Japanese instead of mojibake; and no cell that a spreadsheet would run as a formula.

defusedcsv was considered: it leaves cells that start with a tab or a carriage return
alone (OWASP lists both) and rewrites every `|` inside a cell, so the few lines of
`neutralise` below are kept instead.
"""

import csv
import io
from numbers import Number

from django.http import HttpResponse

# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel,
# LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value safe to open in a spreadsheet: numbers stay numbers; text that would
    start a formula gets a leading apostrophe (shown as text, not run)."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV download: `header` a list of column titles, `rows` an iterable of sequences;
    every cell passes through `neutralise`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
