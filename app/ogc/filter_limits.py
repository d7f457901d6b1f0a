"""Bounds on a CQL2 filter's size and shape, checked before any parser sees it.

The CQL2 parser recurses once per nesting level (parentheses, `NOT`, brackets) and a
few thousand levels overflow its stack: the process dies with SIGSEGV, which no
exception handler can catch. So the text is measured here with a flat scan that
itself cannot recurse, and a filter past a bound is refused before parsing. The
scan is hand-written because it has to run *before* any parser: that is its point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InvalidFilter

MAX_FILTER_LENGTH = 20_000
# Real filters nest a handful of levels; 32 leaves room for generated ones. A CQL2-JSON
# level is two JSON containers ({"op":…,"args":[…]}) and a geometry literal adds four.
MAX_NESTING = 32
MAX_JSON_NESTING = 2 * MAX_NESTING + 8
# Operators of all kinds (AND, OR, NOT, comparisons, arithmetic); a filter that picks
# out measures by hand with hundreds of ORs should use IN instead.
MAX_OPERATORS = 500

_WORD_OPERATORS = frozenset(
    {"and", "or", "not", "like", "between", "in", "is", "div", "casei", "accenti"}
)
_SYMBOL_OPERATORS = frozenset("=<>+*/%^")


@dataclass(frozen=True)
class FilterShape:
    """What the scan measured: the deepest nesting and the number of operators."""

    nesting: int
    operators: int


# The tokens of cql2-text that matter here; a quoted literal or identifier is one token
# (a doubled quote inside it is an escaped quote), so nothing inside it counts.
_TEXT_TOKENS = re.compile(
    r"'(?:[^']|'')*'"
    r'|"(?:[^"]|"")*"'
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_:.]*)"
    r"|(?P<minus>-(?![0-9.]))"  # a minus before a number is part of the number
    r"|(?P<symbol>[=<>+*/%^])"
)


def measure_text(text: str) -> FilterShape:
    """Nesting and operator count of a cql2-text filter; string literals are skipped."""
    depth = deepest = operators = 0
    prefixes = 0  # NOT / unary minus in a row: each is one more level for the parser
    for token in _TEXT_TOKENS.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word" and token.group().lower() in _WORD_OPERATORS:
            operators += 1
            if token.group().lower() == "not":
                prefixes += 1
        elif kind in ("minus", "symbol"):
            operators += 1
            prefixes += kind == "minus"
        deepest = max(deepest, depth + prefixes)
        if kind not in ("open", "minus") and token.group().lower() != "not":
            prefixes = 0
    return FilterShape(nesting=deepest, operators=operators)


def measure_json(text: str) -> FilterShape:
    """Nesting (JSON containers) and operator count ("op" members) of a cql2-json filter."""
    depth = deepest = operators = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            start = i + 1
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if text[start:i] == "op":
                operators += 1
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
        i += 1
    return FilterShape(nesting=deepest, operators=operators)


def check_filter_bounds(text: str, lang: str) -> None:
    """Refuse a filter that is too long, nests too deep or has too many operators."""
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidFilter(
            f"filter is {len(text)} characters long; at most {MAX_FILTER_LENGTH} are accepted"
        )
    if lang == "cql2-json":
        shape, limit = measure_json(text), MAX_JSON_NESTING
        unit = "JSON levels"
    else:
        shape, limit = measure_text(text), MAX_NESTING
        unit = "levels (parentheses, NOT and unary minus count)"
    if shape.nesting > limit:
        raise InvalidFilter(f"filter nests {shape.nesting} {unit} deep; at most {limit}")
    if shape.operators > MAX_OPERATORS:
        raise InvalidFilter(
            f"filter has {shape.operators} operators; at most {MAX_OPERATORS} "
            "(use IN (...) for a list of values)"
        )
