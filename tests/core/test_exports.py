"""CSV exports never hand Excel a formula (OWASP "CSV Injection")."""

import csv
import io

import pytest

from cocreation.core.exports import csv_response, neutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("https://evil.example","請求書")',
            '\'=HYPERLINK("https://evil.example","請求書")',
        ),
        ("+81-24-924-2111", "'+81-24-924-2111"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("郡山市", "郡山市"),
        ("", ""),
        (42, 42),
        (-3, -3),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_a_cell_that_would_start_a_formula_is_shown_as_text(value, expected):
    assert neutralise(value) == expected


def test_the_csv_response_neutralises_every_cell_and_keeps_numbers_numeric():
    response = csv_response("x.csv", ["=title", "count"], [['=HYPERLINK("x")', -5]])
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=title", "count"], ['\'=HYPERLINK("x")', "-5"]]
    assert response["Content-Disposition"].startswith("attachment;")
