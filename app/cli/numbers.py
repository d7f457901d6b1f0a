"""Whole numbers on the command line as people type them: ASCII digits only.

Python's int() also takes "٣", "1_000" and " +7"; a port or a job count spelled that way
is a typo, not a number, and is refused with the range it must lie in.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import typer

DIGITS = re.compile(r"[0-9]{1,9}")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A typer parser for an integer from `low` to `high`, written in ASCII digits."""

    def parse(text: str) -> int:
        if isinstance(text, int):  # the default, already a number
            return text
        if not DIGITS.fullmatch(text):
            raise typer.BadParameter(f"a whole number from {low} to {high} in digits 0-9")
        value = int(text)
        if not low <= value <= high:
            raise typer.BadParameter(f"a whole number from {low} to {high}")
        return value

    return parse
