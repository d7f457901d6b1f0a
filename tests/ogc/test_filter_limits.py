"""Bounds on a filter's shape, measured before the parser sees it."""

from __future__ import annotations

import pytest

from app.errors import InvalidFilter
from app.ogc import cql2
from app.ogc.filter_limits import (
    MAX_FILTER_LENGTH,
    MAX_NESTING,
    MAX_OPERATORS,
    check_filter_bounds,
    measure_json,
    measure_text,
)


@pytest.mark.parametrize(
    ("text", "nesting", "operators"),
    [
        ("version = 1", 0, 1),
        ("a = 1 AND (b = 2 OR NOT c = 3)", 2, 6),
        ("NOT NOT NOT version = 1", 3, 4),
        ("version = - - -1", 2, 3),
        ("version = -1", 0, 1),
        # Quoted text is not scanned: parentheses and keywords inside do not count.
        ("title = 'a (( NOT '' AND ((' AND \"odd ((name\" = 1", 0, 3),
        ("S_INTERSECTS(geometry, MULTIPOLYGON(((7 51, 7.1 51, 7.1 51.1, 7 51))))", 4, 0),
        ("completed_on > DATE('2020-01-01')", 1, 1),
    ],
)
def test_text_shape(text: str, nesting: int, operators: int) -> None:
    shape = measure_text(text)
    assert (shape.nesting, shape.operators) == (nesting, operators)


def test_json_shape_skips_strings() -> None:
    text = '{"op":"and","args":[{"op":"=","args":[{"property":"title"},"[[[{{\\"op"]}]}'
    shape = measure_json(text)
    assert shape.nesting == 5
    assert shape.operators == 2


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        ("(" * (MAX_NESTING + 1) + "version = 1" + ")" * (MAX_NESTING + 1), None, "nests"),
        ("NOT " * (MAX_NESTING + 1) + "version = 1", None, "nests"),
        (" OR ".join(["version = 1"] * (MAX_OPERATORS + 1)), None, "operators"),
        ("version = 1" + " " * MAX_FILTER_LENGTH, None, "characters long"),
        ('{"op":"not","args":[' * 50 + "true" + "]}" * 50, "cql2-json", "nests"),
    ],
)
def test_bounds_refuse_before_parsing(text: str, lang: str | None, message: str) -> None:
    with pytest.raises(InvalidFilter, match=message):
        cql2.parse(text, lang)


def test_filters_within_the_bounds_parse() -> None:
    nested = "(" * MAX_NESTING + "version = 1" + ")" * MAX_NESTING
    check_filter_bounds(nested, "cql2-text")
    assert cql2.parse(nested, None)["op"] == "="
    many = " OR ".join(["version = 1"] * (MAX_OPERATORS // 2))
    assert cql2.parse(many, None)["op"] == "or"
