"""SQL that reads what a measure's impact depends on and writes the impact back.

The impact itself is computed in Python (`app.domain.water_balance`); these statements
serve the stored measures and the importer's derived rows alike, so both store the
same figures. Table and key names come from `TARGETS` only, never from input.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from app.domain.water_balance import PARAMETERS

# (table, key column, key SQL type, extra condition) for the rows that carry impacts.
TARGETS = {
    "measures": ("measures", "id", "uuid", "deleted_at IS NULL"),
    "import": ("import_derived", "n", "int", "municipality IS NOT NULL"),
    "demo": ("demo_rows", "id", "uuid", "municipality IS NOT NULL"),
}
INPUT_COLUMNS = (
    "type",
    "area_m2",
    "disconnected_area_m2",
    "disconnected_area_source",
    "retention_volume_m3",
    *PARAMETERS,
)

SELECT_BASELINE_CLIMATES = """
SELECT ags, precipitation_mm, etp_mm, climate_source, precipitation_source,
       reference_runoff, reference_infiltration, reference_evaporation, reference_source
  FROM municipality_baselines
"""


def _select(target: str, condition: str | None) -> str:
    table, key, _, always = TARGETS[target]
    where = always if condition is None else f"{always} AND ({condition})"
    return (
        f"SELECT {key} AS key, municipality, {', '.join(INPUT_COLUMNS)},"
        f" runoff_avoided_m3, extra_evaporation_m3, extra_infiltration_m3"
        f" FROM {table} WHERE {where}"
    )


def _update(target: str) -> str:
    table, key, key_type, _ = TARGETS[target]
    return (
        f"UPDATE {table} t SET runoff_avoided_m3 = u.r, extra_evaporation_m3 = u.e,"
        f" extra_infiltration_m3 = u.i, disconnected_area_m2 = u.d,"
        f" disconnected_area_source = u.s"
        f" FROM unnest($1::{key_type}[], $2::float8[], $3::float8[], $4::float8[],"
        f" $5::float8[], $6::text[]) AS u(k, r, e, i, d, s) WHERE t.{key} = u.k"
    )


async def select_baseline_climates(conn: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    """Each municipality's baseline climate and reference split, where one is stored."""
    return {r["ags"]: dict(r) for r in await conn.fetch(SELECT_BASELINE_CLIMATES)}


async def select_inputs(
    conn: asyncpg.Connection, target: str, condition: str | None, *args: Any
) -> list[asyncpg.Record]:
    """The rows of `target` (matching `condition`, bound to `args`) with their inputs."""
    return await conn.fetch(_select(target, condition), *args)


async def update_impacts(
    conn: asyncpg.Connection, target: str, rows: list[tuple[Any, ...]]
) -> None:
    """Write (key, runoff avoided, extra evaporation, extra infiltration, disconnected
    area, its source) rows."""
    if not rows:
        return
    keys, r, e, i, d, s = (list(c) for c in zip(*rows, strict=True))
    await conn.execute(_update(target), keys, r, e, i, d, s)


PLACE = """
SELECT measure_municipality(g) AS municipality,
       measure_area_m2(g, (SELECT line_width_m FROM measure_types WHERE id = $2)) AS area_m2
  FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s
"""


async def select_place(
    conn: asyncpg.Connection, geometry_json: str, type_id: str
) -> asyncpg.Record:
    """Municipality and area of a geometry, by the rules the stored measures use."""
    return await conn.fetchrow(PLACE, geometry_json, type_id)


UNACCOUNTED = """
SELECT exists(SELECT 1 FROM measures
               WHERE deleted_at IS NULL AND disconnected_area_source IS NULL
                 AND type = ANY($1::text[]))
"""


async def exists_unaccounted(conn: asyncpg.Connection, types: list[str]) -> bool:
    """Whether a measure of `types` (own area counts) lacks its counted area."""
    return bool(await conn.fetchval(UNACCOUNTED, types))
