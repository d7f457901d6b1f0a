"""SQL of `klimawerk import`: staging tables, set-based derivation, binary COPY.

The staging and derived tables are temporary tables of the helper connection that
derives (gone when it disconnects); the main connection copies the derived rows into
`measures` in its transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg

from app.domain.validation import CLIENT_FIELDS
from app.domain.water_balance import PARAMETERS, TEXT_PARAMETERS

# The columns the importer writes to `measures`, in the order of the derived rows: the
# client's fields (review state after status), then who and what the database derived.
MEASURE_COLUMNS = (
    *CLIENT_FIELDS[:4],
    "review_state",
    *CLIENT_FIELDS[4:],
    "partner",
    "changed_by",
    "geom",
    "municipality",
    "area_m2",
    "disconnected_area_source",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
)

# Session tables of the helper connection that derives (gone when it disconnects).
# Geometries arrive as EWKB in a geometry column (binary COPY), so the GiST index is
# filled during the COPY itself; no separate parsing pass over a bytea column. The
# derived rows have exactly the types of `measures`, so that their binary COPY output
# is valid COPY input for `measures`.
PARAMETER_COLUMNS = ", ".join(
    f"{name} {'text' if name in TEXT_PARAMETERS else 'float8'}" for name in PARAMETERS
)
STAGING = f"""
CREATE TEMP TABLE import_staging (
  n int, type text, title text, description text, status text, disconnected_area_m2 float8,
  retention_volume_m3 float8, cost_eur float8, funding text, completed_on date, source text,
  {PARAMETER_COLUMNS}, geom geometry(Geometry, 4326)
);
CREATE INDEX ON import_staging USING gist (geom);
CREATE TEMP TABLE import_derived (
  n int, type text, title text, description text, status text, review_state text,
  disconnected_area_m2 float8, retention_volume_m3 float8, cost_eur float8, funding text,
  completed_on date, source text, {PARAMETER_COLUMNS}, partner text, changed_by text,
  geom geometry(Geometry, 4326), municipality varchar(8), area_m2 float8,
  disconnected_area_source text, runoff_avoided_m3 float8, extra_evaporation_m3 float8, extra_infiltration_m3 float8
)
"""
STAGING_COLUMNS = ("n", *CLIENT_FIELDS, "geom")

# A feature touching one municipality belongs to it; only features on a border need the
# full rule of measure_municipality(). The join runs part by part (OFFSET 0 keeps the
# planner from turning it around): PostGIS then prepares each boundary part once and
# tests every feature near it against the prepared shape, about ten times cheaper than
# testing each feature against freshly read parts.
DERIVE_BATCH = """
INSERT INTO import_derived
WITH hits AS (
  SELECT x.n, min(p.ags) AS ags, count(DISTINCT p.ags) AS candidates
    FROM municipality_parts p
   CROSS JOIN LATERAL (
         SELECT s.n FROM import_staging s
          WHERE s.geom && p.geom AND ST_Intersects(p.geom, s.geom) OFFSET 0) x
   GROUP BY x.n
), placed AS (
  SELECT s.*,
         CASE WHEN h.candidates = 1 THEN h.ags
              WHEN h.candidates > 1 THEN measure_municipality(s.geom) END AS municipality,
         measure_area_m2(s.geom, t.line_width_m) AS area_m2
    FROM import_staging s
    LEFT JOIN hits h ON h.n = s.n
    JOIN measure_types t ON t.id = s.type
)
SELECT p.n, p.type, p.title, p.description, coalesce(p.status, 'planned'), $1,
       p.disconnected_area_m2, p.retention_volume_m3, p.cost_eur, p.funding, p.completed_on,
       coalesce(p.source, $2), {parameters}, $3, $3, p.geom, p.municipality, p.area_m2,
       NULL, NULL, NULL, NULL
  FROM placed p
""".format(parameters=", ".join(f"p.{name}" for name in PARAMETERS))
# Impacts follow from `services.impacts` on the derived rows, as for every measure.

OUTSIDE = "SELECT n FROM import_derived WHERE municipality IS NULL ORDER BY n"
DERIVED_ROWS = f"SELECT {', '.join(MEASURE_COLUMNS)} FROM import_derived"


async def _geometry_as_ewkb(conn: asyncpg.Connection) -> None:
    """Let COPY send geometries as EWKB bytes (PostGIS's binary format)."""
    schema = await conn.fetchval(
        "SELECT n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE t.typname = 'geometry'"
    )
    await conn.set_type_codec(
        "geometry", schema=schema, encoder=bytes, decoder=bytes, format="binary"
    )


async def create_staging(helper: asyncpg.Connection) -> None:
    """The helper's staging tables, and geometries sent as EWKB."""
    await _geometry_as_ewkb(helper)
    await helper.execute(STAGING)


async def derive_batch(
    helper: asyncpg.Connection,
    records: list[tuple],
    review_state: str,
    source: str,
    partner: str | None,
) -> list[int]:
    """Stage a batch and derive its rows but their impacts (`services.impacts` stores
    those); returns the numbers of features outside the region."""
    await helper.execute("TRUNCATE import_staging, import_derived")
    await helper.copy_records_to_table("import_staging", records=records, columns=STAGING_COLUMNS)
    await helper.execute(DERIVE_BATCH, review_state, source, partner)
    return [r["n"] for r in await helper.fetch(OUTSIDE)]


async def derived_rows(helper: asyncpg.Connection) -> list[bytes]:
    """The derived rows of the last batch as binary COPY data for `measures`."""
    data: list[bytes] = []

    async def keep(chunk: bytes) -> None:
        data.append(chunk)

    await helper.copy_from_query(DERIVED_ROWS, output=keep, format="binary")
    return data


async def defer_derivation(conn: asyncpg.Connection) -> None:
    """Tell the trigger that rows come derived and the data version is bumped once, later."""
    await conn.execute(
        "SET LOCAL klimawerk.derived = 'on'; SET LOCAL klimawerk.defer_version_bump = 'on'"
    )


async def copy_measures(conn: asyncpg.Connection, data: list[bytes]) -> int:
    """Copy derived rows (binary COPY data) into `measures`; returns how many."""

    async def chunks() -> AsyncIterator[bytes]:
        for chunk in data:
            yield chunk

    status = await conn.copy_to_table(
        "measures", source=chunks(), columns=MEASURE_COLUMNS, format="binary"
    )
    return int(status.split()[-1])
