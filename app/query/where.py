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

    def box(self, bbox: tuple[float, ...], srid: int) -> str:
        """A box given in `srid` (x1, y1, x2, y2) as a lon/lat geometry expression.

        A box of zero width or height is the point or line it is (as a degenerate polygon
        it would intersect nothing). A box in a projected CRS has its edges densified
        before reprojection: a projected rectangle's sides curve in lon/lat.
        """
        x1, y1, x2, y2 = (self.param(float(v)) for v in bbox)
        envelope = f"ST_Envelope(ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, {int(srid)}))"
        if srid == 4326:
            return envelope
        span = max(bbox[2] - bbox[0], bbox[3] - bbox[1])
        if span > 0:
            envelope = f"ST_Segmentize({envelope}, {self.param(span / 32)}::float8)"
        return f"ST_Transform({envelope}, 4326)"

    def add(self, condition: str) -> None:
        """AND a fragment built from literals and placeholders."""
        self.conditions.append(condition)

    def sql(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "true"
