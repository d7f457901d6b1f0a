"""SQL for measures on the read path: pages of Feature text, single features, extents."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from app.domain.region import BORDER_TOLERANCE_M
from app.errors import InvalidParameter
from app.query.crs import CRS84, Crs
from app.query.measure import MeasureQuery, SortKey, Visibility
from app.query.where import SQL_CASTS as CASTS
from app.query.where import Where
from app.sql import kept_sums
from app.sql.search import rank_expression, search_condition


@dataclass
class Page:
    """Features of one page (as JSON text, in order) and the cursors around them."""

    features: list[bytes]
    matched: int
    first_key: list[Any] | None
    last_key: list[Any] | None
    has_next: bool
    has_prev: bool


def measure_where(query: MeasureQuery) -> Where:
    """The conditions of a query (without paging), with their bound values."""
    where = Where(values=list(query.filter.values) if query.filter else [])
    where.add("deleted_at IS NULL")
    visible = query.visibility.condition(where)
    if visible:
        where.add(visible)
    if query.bbox:
        envelope = where.box(query.bbox, query.bbox_srid)
        # A scalar subquery is computed once per execution; a bare function of the
        # parameters would be recomputed per row under a generic (prepared) plan.
        where.add(f"ST_Intersects(geom, (SELECT {envelope}))")
    for column in ("municipality", "type", "status", "review_state"):
        values = getattr(query, column)
        if len(values) == 1:
            where.add(f"{column} = {where.param(values[0])}")
        elif values:
            where.add(f"{column} = ANY({where.param(values)}::text[])")
    if query.completed:
        start, end = query.completed
        where.add("completed_on IS NOT NULL")
        if start:
            where.add(f"completed_on >= {where.param(start)}::date")
        if end:
            where.add(f"completed_on <= {where.param(end)}::date")
    if query.search:
        where.add(search_condition(query.search, where))
    if query.filter:
        where.conditions.extend(query.filter.conditions)
    return where


def _sort_terms(query: MeasureQuery, where: Where) -> list[SortKey]:
    """Sort keys with nulls grouped last, and the id as final tie-breaker; a search
    without `sortby` is ranked by relevance (a key like any other, so the cursor holds it)."""
    terms: list[SortKey] = []
    if query.search and not query.sortby:
        terms.append(SortKey(rank_expression(query.search, where), "number", descending=True))
    for key in query.sortby:
        terms.append(SortKey(f"({key.column} IS NULL)", "bool"))
        terms.append(key)
    terms.append(SortKey("id", "uuid"))
    return terms


def _after(terms: list[SortKey], values: list[Any], forward: bool, where: Where) -> str:
    """Rows strictly after (or before) the cursor position in the sort order."""
    disjuncts = []
    for i, term in enumerate(terms):
        if values[i] is None:
            continue  # inside a group of nulls nothing is greater on this key
        ascending = (not term.descending) == forward
        cast = CASTS[term.kind]
        equal = [
            f"{t.column} IS NOT DISTINCT FROM {where.param(values[j])}::{CASTS[t.kind]}"
            for j, t in enumerate(terms[:i])
        ]
        strict = f"{term.column} {'>' if ascending else '<'} {where.param(values[i])}::{cast}"
        disjuncts.append("(" + " AND ".join([*equal, strict]) + ")")
    return "(" + (" OR ".join(disjuncts) or "false") + ")"


def _bindable(value: Any, kind: str) -> Any:
    """A cursor value as the database type of its sort key (ValueError if it is not one)."""
    if value is None:
        return None
    if kind in ("uuid", "date", "timestamp", "text") and not isinstance(value, str):
        raise ValueError(kind)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "timestamp":
        return dt.datetime.fromisoformat(value)
    if kind == "bool" and not isinstance(value, bool):
        raise ValueError(kind)
    if kind in ("number", "integer") and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise ValueError(kind)
    if kind == "number":
        return float(value)
    if kind == "integer" and not -(2**63) <= value < 2**63:
        raise ValueError(kind)
    return value


def _cursor_position(terms: list[SortKey], key: list[Any]) -> list[Any]:
    """The cursor's values, checked against the sort keys they stand for."""
    try:
        return [_bindable(value, term.kind) for value, term in zip(key, terms, strict=True)]
    except ValueError:
        raise InvalidParameter("cursor is not one this server handed out") from None


def _cursor_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID | dt.date | dt.datetime):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return value


def feature_sql(crs: Crs, drop_properties: list[str], where: Where) -> str:
    """The SQL of each feature's text: the cached Feature, reshaped only when asked."""
    # convert_to hands asyncpg bytes: no UTF-8 decode and re-encode per feature.
    if crs.is_default and not drop_properties:
        return "convert_to(feature, 'UTF8')"
    doc = "feature::jsonb"
    if not crs.is_default:
        geom = "ST_FlipCoordinates(geom)" if crs.lat_lon else "geom"
        if crs.srid == 3857:
            geom = "geom_3857"
        elif crs.srid != 4326:
            geom = f"ST_Transform(geom, {int(crs.srid)})"
        doc = f"jsonb_set({doc}, '{{geometry}}', ST_AsGeoJSON({geom}, {int(crs.precision)})::jsonb)"
    if drop_properties:
        dropped = where.param(drop_properties)
        doc = (
            f"jsonb_set({doc}, '{{properties}}', "
            f"(feature::jsonb -> 'properties') - {dropped}::text[])"
        )
    return f"convert_to(({doc})::text, 'UTF8')"


async def count_matched(conn: asyncpg.Connection, query: MeasureQuery) -> int:
    """How many measures the query matches (numberMatched)."""
    where = Where() if kept_sums.answer(query) else measure_where(query)
    sql = kept_sums.count_sql(query, where) or f"SELECT count(*) FROM measures WHERE {where.sql()}"
    return int(await conn.fetchval(sql, *where.values))


async def select_page(conn: asyncpg.Connection, query: MeasureQuery) -> Page:
    """One page in sort order, keyset-paged so that inserts never shift or repeat features."""
    where = measure_where(query)
    # numberMatched from the kept sums where they answer (an unfiltered count over a
    # million rows took 0.7 s), else by counting.
    count_sql = kept_sums.count_sql(query, where) or (
        f"SELECT count(*) FROM measures WHERE {where.sql()}"
    )
    terms = _sort_terms(query, where)
    cursor = query.cursor
    forward = cursor is None or cursor.forward
    if cursor is not None:
        if len(cursor.key) != len(terms):
            raise InvalidParameter(
                "cursor does not belong to this sortby; start from the first page"
            )
        where.add(_after(terms, _cursor_position(terms, cursor.key), forward, where))
    order = ", ".join(f"{t.column} {'DESC' if t.descending == forward else 'ASC'}" for t in terms)
    keys = ", ".join(f"{t.column} AS k{i}" for i, t in enumerate(terms))
    feature = feature_sql(query.crs, query.drop_properties, where)
    limit = where.param(query.limit + 1)
    # The count is an uncorrelated subquery: PostgreSQL runs it once, in the same round trip.
    rows = await conn.fetch(
        f"SELECT {feature} AS feature, {keys}, ({count_sql}) AS matched FROM measures "
        f"WHERE {where.sql()} ORDER BY {order} LIMIT {limit}",
        *where.values,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    if not forward:
        rows.reverse()
    matched = rows[0]["matched"] if rows else await count_matched(conn, query)

    def key_of(row: asyncpg.Record) -> list[Any]:
        return [_cursor_value(row[f"k{i}"]) for i in range(len(terms))]

    return Page(
        features=[r["feature"] for r in rows],
        matched=matched,
        first_key=key_of(rows[0]) if rows else None,
        last_key=key_of(rows[-1]) if rows else None,
        has_next=more if forward else cursor is not None,
        has_prev=(cursor is not None) if forward else more,
    )


async def select_feature(
    conn: asyncpg.Connection,
    measure_id: uuid.UUID,
    visibility: Visibility,
    crs: Crs = CRS84,
) -> asyncpg.Record | None:
    """The Feature (UTF-8 JSON), version, owner facts and review note of one visible
    measure (the Feature leaves the note out: who may see it is the caller's question)."""
    where = Where(values=[measure_id])
    where.add("id = $1")
    where.add("deleted_at IS NULL")
    visible = visibility.condition(where)
    if visible:
        where.add(visible)
    feature = feature_sql(crs, [], where)
    return await conn.fetchrow(
        f"SELECT {feature} AS feature, version, partner, municipality, review_state,"
        " review_note"
        f" FROM measures WHERE {where.sql()}",
        *where.values,
    )


async def select_reached(conn: asyncpg.Connection, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """`ags` and `name` of every municipality the measure's geometry reaches into (beyond
    the border tolerance of `app.domain.region`), by AGS; the scope of writes and the
    item page ask it."""
    return await conn.fetch(
        "SELECT m.ags, m.name FROM measures x"
        " JOIN municipalities m ON m.ags = ANY (measure_municipalities(x.geom, $2))"
        " WHERE x.id = $1 ORDER BY m.ags",
        measure_id,
        BORDER_TOLERANCE_M,
    )


async def select_temporal_extent(conn: asyncpg.Connection) -> asyncpg.Record:
    """First and last completion date of published measures (index-backed min/max)."""
    return await conn.fetchrow(
        "SELECT min(completed_on) AS first, max(completed_on) AS last FROM measures"
        " WHERE deleted_at IS NULL AND review_state = 'published'"
    )


async def bump_data_version(conn: asyncpg.Connection) -> None:
    """Mark measures as changed (invalidates cached tiles); writes bump it by trigger."""
    await conn.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
