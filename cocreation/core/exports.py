"""Downloads of many rows (CSV and JSON), streamed so that memory stays bounded however
many rows there are (issue 12: a coordinator's CSV of 100,000 bookings).

CSV as municipal offices open it: UTF-8 with a BOM, so Excel in Japan shows the Japanese
instead of mojibake; and no cell that a spreadsheet would run as a formula.

defusedcsv was considered: it leaves cells that start with a tab or a carriage return
alone (OWASP lists both) and rewrites every `|` inside a cell, so the few lines of
`neutralise` below are kept instead.

Streaming: the response is a `StreamingHttpResponse` over a generator (Django's
"streaming large CSV files" pattern: the standard `csv` writer writing into an object that
hands each line back). The rows come from `queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS)`
in the callers: with PostgreSQL that is a server-side cursor, so neither the database
driver nor Python holds more than one chunk of rows, and `prefetch_related` runs once per
chunk (Django 5). Behind a connection pooler in transaction mode (PgBouncer), set
`DATABASE_DISABLE_SERVER_SIDE_CURSORS=1` (see the README): the driver then receives the
whole result at once, but Python still builds model rows a chunk at a time.

The generator runs after the view has returned, while the WSGI server sends the body, so
the language of the request is activated again around it: cells such as a booking's
status are translated as the page would be.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from numbers import Number

from django.http import StreamingHttpResponse
from django.utils import translation

# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel,
# LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Rows read from the database at a time (one server-side cursor fetch, one round of
# prefetches): a few MB of model rows at most.
EXPORT_CHUNK_ROWS = 2000

# The body is handed to the server in pieces of about this many bytes: one piece per row
# would mean one socket write (and one HTTP chunk) per row.
_PIECE_BYTES = 64 * 1024


def neutralise(value):
    """A cell value safe to open in a spreadsheet: numbers stay numbers; text that would
    start a formula gets a leading apostrophe (shown as text, not run)."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose `write` returns what it is given, so that `csv.writer`
    turns one row into one string (the Django documentation's pattern)."""

    def write(self, value: str) -> str:
        return value


def _pieces(lines: Iterable[str]) -> Iterator[bytes]:
    """`lines` (str) encoded as UTF-8 and joined into pieces of about `_PIECE_BYTES`."""
    buffer: list[bytes] = []
    size = 0
    for line in lines:
        data = line.encode("utf-8")
        buffer.append(data)
        size += len(data)
        if size >= _PIECE_BYTES:
            yield b"".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer)


def _in_language(language: str | None, lines: Iterable[str]) -> Iterator[str]:
    """`lines`, produced with `language` active (the request's, captured by the view)."""
    with translation.override(language):
        yield from lines


def csv_lines(header: list, rows: Iterable) -> Iterator[str]:
    """The lines of a CSV file: the BOM and `header`, then one line per row of `rows` (an
    iterable of sequences, read lazily); every cell passes through `neutralise`. The
    lines are exactly what `csv.writer` (default dialect, CRLF line ends) writes."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def json_lines(items: Iterable[dict]) -> Iterator[str]:
    """A JSON array of `items` (each JSON-serialisable, read lazily), written one item at
    a time: byte for byte what `json.dumps(list(items), ensure_ascii=False, indent=1)`
    gives. An item dumped on its own is indented one level too little, and JSON strings
    never hold a raw line break, so each of its lines gets one more space."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=1)
        yield ("[\n " if first else ",\n ") + text.replace("\n", "\n ")
        first = False
    yield "[]" if first else "\n]"


def _streaming(lines: Iterable[str], *, content_type: str, disposition: str):
    response = StreamingHttpResponse(
        _pieces(_in_language(translation.get_language(), lines)), content_type=content_type
    )
    response["Content-Disposition"] = disposition
    return response


def csv_response(filename: str, header: list, rows: Iterable) -> StreamingHttpResponse:
    """A CSV download (`attachment`, UTF-8 with a BOM) named `filename`, streamed:
    `header` a list of column titles, `rows` an iterable of sequences read only while the
    body is sent (pass a generator over `queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS)`
    so the rows are never all in memory); every cell passes through `neutralise`."""
    return _streaming(
        csv_lines(header, rows),
        content_type="text/csv; charset=utf-8",
        disposition=f'attachment; filename="{filename}"',
    )


def json_response(filename: str, items: Iterable[dict]) -> StreamingHttpResponse:
    """A JSON array of `items` shown in the browser (`inline`) under `filename`, streamed
    as `json_lines` writes it; `items` is read only while the body is sent."""
    return _streaming(
        json_lines(items),
        content_type="application/json; charset=utf-8",
        disposition=f'inline; filename="{filename}"',
    )
