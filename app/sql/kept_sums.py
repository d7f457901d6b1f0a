"""The sums of published measures that statement triggers keep (`measure_statistics`,
migration 0008; ADR 0006): when they answer a query, and the condition that selects
their rows. Statistics sum them; item pages count `numberMatched` from them.
"""

from __future__ import annotations

import datetime as dt

from app.query.measure import MeasureQuery
from app.query.where import Where


def whole_year(completed: tuple[dt.date | None, dt.date | None] | None) -> int | None:
    """The year a completion interval spans exactly (1 January to 31 December), if any."""
    if completed is None or completed[0] is None or completed[1] is None:
        return None
    start, end = completed
    if (start.month, start.day) == (1, 1) and end == dt.date(start.year, 12, 31):
        return start.year
    return None


def answer(query: MeasureQuery) -> bool:
    """Whether the kept sums answer the query: what anyone may see (published), filtered
    by municipality, type, status and whole completion years only."""
    return (
        query.visibility.anonymous
        and query.filter is None
        and not query.search
        and query.bbox is None
        and set(query.review_state) <= {"published"}
        and (query.completed is None or whole_year(query.completed) is not None)
    )


def condition(query: MeasureQuery, where: Where) -> str:
    """The condition on `measure_statistics` rows for a query that `answer` accepts;
    its values are bound in `where` (whose own conditions it leaves alone)."""
    parts = ["count > 0"]
    for column in ("municipality", "type", "status"):
        values = getattr(query, column)
        if values:
            parts.append(f"{column} = ANY({where.param(list(values))}::text[])")
    year = whole_year(query.completed)
    if year is not None:
        parts.append(f"year = {where.param(year)}")
    return " AND ".join(parts)


def count_sql(query: MeasureQuery, where: Where) -> str | None:
    """SQL counting the measures a query matches from the kept sums, or None when they
    cannot answer it."""
    if not answer(query):
        return None
    return f"SELECT coalesce(sum(count), 0)::bigint FROM measure_statistics WHERE {condition(query, where)}"
