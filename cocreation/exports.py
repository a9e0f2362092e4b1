"""CSV downloads as municipal offices open them: UTF-8 with a BOM, so Excel in Japan shows
the Japanese instead of mojibake."""

import csv
import io

from django.http import HttpResponse


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
