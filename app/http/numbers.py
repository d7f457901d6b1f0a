"""The one parser of numbers in requests: ASCII digits, bounded length, no surprises.

Python's `int()` and `float()` accept more than an HTTP API defines: `" 5"`, `"+5"`,
`"1_000"`, `"٣"` (Arabic-Indic three), `"nan"`, and `str.isdigit` takes `"²"`, which
`int()` then refuses with an error. A guard and a handler that each used their own test
read the same parameter differently. Here a number is what the regular expressions
below say, nothing else, and a refusal is a 400 naming the parameter.
"""

from __future__ import annotations

import re

from app.errors import InvalidParameter

# Longer than any number the API takes, short enough that conversion costs nothing.
MAX_DIGITS = 20
# `re.ASCII` so that `[0-9]` and `\d` never match `٣`; explicit classes anyway.
_DIGITS = f"[0-9]{{1,{MAX_DIGITS}}}"
_WHOLE = re.compile(_DIGITS, re.ASCII)
_SIGNED_WHOLE = re.compile(f"-?{_DIGITS}", re.ASCII)
_FRACTION = f"[0-9]{{0,{MAX_DIGITS}}}"
# `7`, `7.`, `7.25`, `.25`, each with an optional exponent (`1e3`, `1E-3`).
_DECIMAL = re.compile(
    rf"-?({_DIGITS}(\.{_FRACTION})?|\.{_DIGITS})([eE][+-]?[0-9]{{1,3}})?", re.ASCII
)


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def parse_number(
    name: str,
    raw: str,
    *,
    whole: bool = True,
    signed: bool = False,
    low: float | None = None,
    high: float | None = None,
) -> int | float:
    """`raw` as an int (`whole`) or a finite float, within `low..high`; else a 400.

    Whole numbers are ASCII digits (a leading `-` only when `signed`); decimals may
    carry a fraction and an exponent. Never a `+`, a space, an underscore or a digit of
    another script. At most `MAX_DIGITS` digits in each part.
    """
    pattern = (_SIGNED_WHOLE if signed else _WHOLE) if whole else _DECIMAL
    if not pattern.fullmatch(raw) or (not signed and raw.startswith("-")):
        kind = "whole numbers" if whole else "numbers"
        raise InvalidParameter(
            f"{name} takes {kind} in ASCII digits only"
            f"{' (a leading - allowed)' if signed else ''}, got {_shown(raw)}"
        )
    value: int | float = int(raw) if whole else float(raw)
    if value != value or value in (float("inf"), float("-inf")):  # 1e999
        raise InvalidParameter(f"{name} takes finite numbers, got {_shown(raw)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidParameter(f"{name} must be between {low} and {high}, got {_shown(raw)}")
    return value


def parse_whole(name: str, raw: str, low: int | None = None, high: int | None = None) -> int:
    """`parse_number` for an unsigned whole number (a limit, a year, a zoom level)."""
    return int(parse_number(name, raw, low=low, high=high))


def declared_length(raw: str | None) -> int | None:
    """A `Content-Length` header's value, None when absent or not a plain number (the
    body limit refuses such a header with a 400; estimates just leave it out)."""
    if raw is None:
        return None
    try:
        return parse_whole("Content-Length", raw)
    except InvalidParameter:
        return None
