"""SQL for exports: every matching measure, read through a server-side cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg

from app.domain.rounding import AREA_DECIMALS, IMPACT_DECIMALS
from app.domain.water_balance import PARAMETERS
from app.query.measure import MeasureQuery
from app.sql.measures import feature_sql, measure_where

# Columns of a flat export, in the order of the Feature's properties; `review_note`
# follows `review_state` for keyed callers only (see `columns`).
COLUMNS = (
    "id",
    "type",
    "title",
    "description",
    "status",
    "review_state",
    "municipality",
    "area_m2",
    "disconnected_area_m2",
    "disconnected_area_source",
    "retention_volume_m3",
    "cost_eur",
    "funding",
    "completed_on",
    *PARAMETERS,
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    "partner",
    "source",
    "created_at",
    "updated_at",
    "version",
)

ROWS = """
SELECT id::text, type, title, description, status, review_state, {review_note}
       municipality,
       round(area_m2::numeric, {area})::float8 AS area_m2, disconnected_area_m2, disconnected_area_source, retention_volume_m3,
       cost_eur, funding, completed_on, {parameters}, round(runoff_avoided_m3::numeric, {impact})::float8 AS
       runoff_avoided_m3, round(extra_evaporation_m3::numeric, {impact})::float8 AS extra_evaporation_m3,
       round(extra_infiltration_m3::numeric, {impact})::float8 AS extra_infiltration_m3, partner, source, created_at, updated_at, version,
       ST_AsText({geom}, {precision}) AS wkt, ST_X(ST_PointOnSurface({geom})) AS x,
       ST_Y(ST_PointOnSurface({geom})) AS y, ST_AsBinary(ST_Multi({geom})) AS wkb,
       ST_Dimension(geom) AS dimension,
       {feature} AS feature
  FROM measures WHERE {where} ORDER BY id
""".replace("{parameters}", ", ".join(PARAMETERS))


def columns(query: MeasureQuery) -> tuple[str, ...]:
    """The flat columns of an export for this caller: with `review_note` for keyed ones
    (filled where they see the review process), without for anonymous callers."""
    if query.visibility.anonymous:
        return COLUMNS
    at = COLUMNS.index("review_state") + 1
    return (*COLUMNS[:at], "review_note", *COLUMNS[at:])


def export_geometry(srid: int) -> str:
    """The stored geometry in the export's CRS (by SRID), x/y order (lon/lat or E/N)."""
    if srid == 3857:
        return "geom_3857"
    if srid != 4326:
        return f"ST_Transform(geom, {int(srid)})"
    return "geom"


async def stream_rows(
    conn: asyncpg.Connection, query: MeasureQuery, batch: int = 2000
) -> AsyncIterator[list[asyncpg.Record]]:
    """Batches of matching rows; memory stays flat however many there are."""
    where = measure_where(query)
    # Keyed callers get the column, filled where they see the review process (one rule:
    # the access policy's visibility); anonymous callers do not get it at all.
    note = ""
    if not query.visibility.anonymous:
        sees = query.visibility.review_condition(where)
        note = f"CASE WHEN {sees} THEN review_note END AS review_note,"
    # Every format of an export takes its geometry from these columns, so `crs` holds
    # for all of them (GeoJSON through the same reshaping as items pages).
    sql = ROWS.format(
        area=AREA_DECIMALS,
        impact=IMPACT_DECIMALS,
        geom=export_geometry(query.crs.srid),
        precision=int(query.crs.precision),
        feature=feature_sql(query.crs, [], where),
        where=where.sql(),
        review_note=note,
    )
    async with conn.transaction():
        cursor = await conn.cursor(sql, *where.values)
        while rows := await cursor.fetch(batch):
            yield rows
