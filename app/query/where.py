"""Composing WHERE clauses from fixed SQL fragments and bound parameters.

Values never enter SQL text: each `add` returns a `$n` placeholder for asyncpg.
"""

from __future__ import annotations

from typing import Any

# The PostgreSQL type a bound value of each kind is cast to.
SQL_CASTS = {
    "text": "text",
    "uuid": "uuid",
    "number": "float8",
    "integer": "int8",
    "date": "date",
    "timestamp": "timestamptz",
    "bool": "bool",
}


class Where:
    """Collects conditions (ANDed) and their bound values."""

    def __init__(self, values: list[Any] | None = None) -> None:
        self.conditions: list[str] = []
        self.values: list[Any] = values if values is not None else []

    def param(self, value: Any) -> str:
        """Bind a value and return its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"

    def add(self, condition: str) -> None:
        """AND a fragment built from literals and placeholders."""
        self.conditions.append(condition)

    def sql(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "true"
