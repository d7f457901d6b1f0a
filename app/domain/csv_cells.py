"""CSV cells that a spreadsheet opens as data, never as a formula (OWASP CSV injection).

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return before one) as a formula: a measure titled
`=HYPERLINK("http://evil","click")` would become a live link in a planner's
spreadsheet. OWASP's rule: prefix such text with a single quote, which the spreadsheet
shows as text. Numbers are written as they are (a negative number is data).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The value to write into a CSV cell: text that a spreadsheet would run is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
