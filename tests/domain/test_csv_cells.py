"""OWASP CSV injection: text a spreadsheet would run as a formula is quoted."""

from __future__ import annotations

import pytest

from app.domain.csv_cells import neutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Gründach Schule", "Gründach Schule"),
        ("a=b", "a=b"),
        ("", ""),
        (-2.5, -2.5),  # numbers are data
        (None, None),
    ],
)
def test_neutralise(value: object, written: object) -> None:
    assert neutralise(value) == written
