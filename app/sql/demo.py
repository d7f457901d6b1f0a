"""Synthetic demo measures, generated set-based inside PostGIS.

Deterministic: points come from `ST_GeneratePoints` with a seed, every other choice from
`hashint8extended(i, seed)`, ids from md5(seed, i); the same seed gives the same rows.
"""

from __future__ import annotations

import asyncpg

from app.domain.water_balance import PARAMETERS, TEXT_PARAMETERS

# Share of each type in percent (sums to 100); green roofs dominate as in the
# 10,000-green-roofs programme.
TYPE_PERCENT = {
    "green_roof_extensive": 28,
    "green_roof_intensive": 5,
    "retention_roof": 4,
    "facade_greening": 4,
    "unsealing": 10,
    "permeable_paving": 8,
    "swale": 8,
    "infiltration_trench": 6,
    "tree_trench": 8,
    "retention_area": 2,
    "cistern": 8,
    "stream_daylighting": 1,
    "emergency_flow_path": 3,
    "disconnection": 4,
    "other": 1,
}

STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Ringstraße",
    "Lindenallee",
    "Emscherstraße",
    "Lippestraße",
    "Zechenstraße",
    "Kanalstraße",
    "Parkstraße",
    "Mühlenweg",
    "Am Stadtgarten",
    "Schillerstraße",
    "Goethestraße",
    "Friedrichstraße",
    "Wilhelmstraße",
    "Rathausplatz",
    "Hafenstraße",
    "Kokereistraße",
    "Am Schacht",
    "Wiesenweg",
    "Birkenweg",
    "Buchenstraße",
]
FUNDING = [
    "Klima.Werk-Förderung",
    "Programm 10.000 Grüne Dächer",
    "Eigenmittel",
    "Städtebauförderung",
    "Emschergenossenschaft",
    "Lippeverband",
    "Landesförderung NRW",
]
PARTNERS = [
    "Emschergenossenschaft",
    "Lippeverband",
    "Stadtentwässerung",
    "Grünflächenamt",
    "Vivawest",
    "Vonovia",
    "Ingenieurbüro Wasserwerk",
    "Planungsbüro Schwamm",
]

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.demo_u(i bigint, k int, seed bigint) RETURNS float8
LANGUAGE sql IMMUTABLE AS
$$ SELECT (hashint8extended(i * 131 + k, seed) & 2147483647)::float8 / 2147483648.0 $$;

CREATE OR REPLACE FUNCTION pg_temp.demo_rect(x float8, y float8, w float8, h float8, a float8)
RETURNS geometry LANGUAGE sql IMMUTABLE AS
$$ SELECT ST_Rotate(ST_MakeEnvelope(x - w / 2, y - h / 2, x + w / 2, y + h / 2, 25832), a, x, y) $$;

CREATE OR REPLACE FUNCTION pg_temp.demo_line(x float8, y float8, len float8, a float8, bend float8)
RETURNS geometry LANGUAGE sql IMMUTABLE AS
-- Passes through (x, y), which lies inside a municipality; `bend` shifts the far end.
$$ SELECT ST_MakeLine(ARRAY[
     ST_SetSRID(ST_Point(x - len / 2 * cos(a), y - len / 2 * sin(a)), 25832),
     ST_SetSRID(ST_Point(x, y), 25832),
     ST_SetSRID(ST_Point(x + len / 2 * cos(a) - bend * sin(a),
                         y + len / 2 * sin(a) + bend * cos(a)), 25832)]) $$;
"""

_GENERATE = """
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS
WITH shares AS (
  SELECT ags, name, geom, area_m2,
         sum(area_m2) OVER (ORDER BY ags) AS cum, sum(area_m2) OVER () AS total
    FROM municipalities
), alloc AS (
  SELECT ags, name, geom,
         (floor($1 * cum / total) - floor($1 * (cum - area_m2) / total))::int AS n
    FROM shares
), pts AS (
  SELECT a.ags, a.name, d.path[1] AS k, ST_Transform(d.geom, 25832) AS p
    FROM alloc a
   CROSS JOIN LATERAL ST_Dump(
           ST_GeneratePoints(a.geom, a.n, (($2::bigint * 100003 + a.ags::bigint) % 2147483646 + 1)::int)
         ) AS d
   WHERE a.n > 0
), base AS (
  SELECT row_number() OVER (ORDER BY ags, k) AS i, ags, name, ST_X(p) AS x, ST_Y(p) AS y
    FROM pts
), typed AS (
  SELECT b.*,
         ($3::text[])[1 + floor(pg_temp.demo_u(i, 1, $2) * 100)::int] AS type,
         pg_temp.demo_u(i, 2, $2) * pi() AS angle,
         pg_temp.demo_u(i, 3, $2) AS u3, pg_temp.demo_u(i, 4, $2) AS u4,
         pg_temp.demo_u(i, 5, $2) AS u5, pg_temp.demo_u(i, 6, $2) AS u6,
         pg_temp.demo_u(i, 7, $2) AS u7, pg_temp.demo_u(i, 8, $2) AS u8,
         pg_temp.demo_u(i, 9, $2) AS u9
    FROM base b
   WHERE i % $7 = $8
-- MATERIALIZED: each shape is built once, not once per reference below.
), shaped AS MATERIALIZED (
  SELECT t.*,
         CASE
           WHEN type IN ('green_roof_extensive', 'green_roof_intensive', 'retention_roof')
             THEN pg_temp.demo_rect(x, y, 8 + u3 * 22, 8 + u4 * 17, angle)
           WHEN type = 'unsealing' THEN pg_temp.demo_rect(x, y, 6 + u3 * 24, 6 + u4 * 19, angle)
           WHEN type = 'permeable_paving' THEN pg_temp.demo_rect(x, y, 10 + u3 * 30, 8 + u4 * 30, angle)
           WHEN type = 'disconnection' THEN pg_temp.demo_rect(x, y, 10 + u3 * 35, 10 + u4 * 25, angle)
           WHEN type = 'swale' THEN pg_temp.demo_rect(x, y, 2 + u3 * 3, 10 + u4 * 30, angle)
           WHEN type = 'retention_area' THEN ST_Translate(ST_Rotate(ST_Scale(
               ST_SetSRID(ST_Buffer(ST_Point(0, 0), 1, 'quad_segs=3'), 25832),
               20 + u3 * 60, 15 + u4 * 40), angle), x, y)
           WHEN type = 'facade_greening' THEN pg_temp.demo_line(x, y, 5 + u3 * 25, angle, 0)
           WHEN type = 'infiltration_trench' THEN pg_temp.demo_line(x, y, 20 + u3 * 130, angle, 0)
           WHEN type = 'emergency_flow_path'
             THEN pg_temp.demo_line(x, y, 50 + u3 * 350, angle, (u4 - 0.5) * 40)
           WHEN type = 'stream_daylighting'
             THEN pg_temp.demo_line(x, y, 100 + u3 * 900, angle, (u4 - 0.5) * 200)
           ELSE ST_SetSRID(ST_Point(x, y), 25832)
         END AS g
    FROM typed t
), sized AS MATERIALIZED (
  SELECT s.*, CASE ST_Dimension(g) WHEN 2 THEN ST_Area(g) WHEN 1 THEN ST_Length(g) ELSE 0 END AS own
    FROM shaped s
), attributed AS (
  SELECT z.*,
         CASE WHEN u5 < 0.55 THEN 'completed' WHEN u5 < 0.70 THEN 'in_progress'
              WHEN u5 < 0.95 THEN 'planned' ELSE 'cancelled' END AS status
    FROM sized z
)
SELECT md5('klimawerk-demo:' || $2 || ':' || a.i)::uuid AS id,
       a.type AS type,
       mt.label_de || ', ' || ($4::text[])[1 + floor(u6 * cardinality($4::text[]))::int]
         || ' ' || (1 + floor(u7 * 180))::int AS title,
       'Synthetische Demo-Maßnahme in ' || a.name || '.' AS description,
       a.status AS status,
       CASE WHEN u8 < 0.90 THEN 'published' WHEN u8 < 0.98 THEN 'submitted' ELSE 'rejected' END
         AS review_state,
       round(CASE
         -- Roofs, paving and unsealing leave it open, as partners do: their own area
         -- counts by the accounting rule (services.impacts derives it).
         WHEN a.type = 'disconnection' THEN own
         WHEN a.type = 'swale' THEN own * (5 + u9 * 10)
         WHEN a.type = 'infiltration_trench' THEN own * (10 + u9 * 20)
         WHEN a.type = 'tree_trench' THEN 50 + u9 * 250
         WHEN a.type = 'cistern' THEN 80 + u9 * 220
         WHEN a.type = 'retention_area' THEN own * (2 + u9 * 8)
       END::numeric, 1)::float8 AS disconnected_area_m2,
       round(CASE
         WHEN a.type = 'retention_roof' THEN own * 0.06
         WHEN a.type = 'green_roof_intensive' THEN own * 0.05
         WHEN a.type = 'green_roof_extensive' THEN own * 0.02
         WHEN a.type = 'swale' THEN own * 0.3
         WHEN a.type = 'infiltration_trench' THEN own * 0.8
         WHEN a.type = 'tree_trench' THEN 4 + u9 * 10
         WHEN a.type = 'cistern' THEN 3 + floor(u9 * 8)
         WHEN a.type = 'retention_area' THEN own * (0.3 + u9 * 0.7)
       END::numeric, 1)::float8 AS retention_volume_m3,
       round(CASE
         WHEN a.type = 'green_roof_extensive' THEN own * (40 + u4 * 25)
         WHEN a.type = 'green_roof_intensive' THEN own * (80 + u4 * 70)
         WHEN a.type = 'retention_roof' THEN own * (70 + u4 * 40)
         WHEN a.type = 'facade_greening' THEN own * (300 + u4 * 300)
         WHEN a.type = 'unsealing' THEN own * (80 + u4 * 70)
         WHEN a.type = 'permeable_paving' THEN own * (60 + u4 * 60)
         WHEN a.type = 'swale' THEN own * (30 + u4 * 50)
         WHEN a.type = 'infiltration_trench' THEN own * (150 + u4 * 250)
         WHEN a.type = 'tree_trench' THEN 15000 + u4 * 20000
         WHEN a.type = 'retention_area' THEN own * (50 + u4 * 150)
         WHEN a.type = 'cistern' THEN 3000 + u4 * 5000
         WHEN a.type = 'stream_daylighting' THEN own * (1000 + u4 * 2000)
         WHEN a.type = 'emergency_flow_path' THEN own * (100 + u4 * 200)
         WHEN a.type = 'disconnection' THEN own * (20 + u4 * 40)
         ELSE 5000 + u4 * 45000
       END / 100)::float8 * 100 AS cost_eur,
       ($5::text[])[1 + floor(u3 * cardinality($5::text[]))::int] AS funding,
       CASE WHEN a.status = 'completed'
            THEN date '2015-01-01' + floor(u9 * (date '2026-10-31' - date '2015-01-01'))::int END
         AS completed_on,
       ($6::text[])[1 + floor(u7 * cardinality($6::text[]))::int] AS partner,
       'demo'::text AS source,
       a.geom AS geom,
       -- Touching one municipality settles it; border cases take the full rule.
       coalesce((SELECT CASE WHEN count(DISTINCT p.ags) = 1 THEN min(p.ags) END
                   FROM municipality_parts p
                  WHERE p.geom && a.geom AND ST_Intersects(p.geom, a.geom)),
                measure_municipality(a.geom)) AS municipality,
       measure_area_m2(a.geom, mt.line_width_m) AS area_m2
  FROM (SELECT t.*, ST_Transform(t.g, 4326) AS geom FROM attributed t) a
  JOIN measure_types mt ON mt.id = a.type
"""

# The measures' impacts are stored on the generated rows before they are inserted (by
# `services.impacts`, as on every path), so the measures are written once.
PARAMETER_COLUMNS = ", ".join(
    f"ADD COLUMN {name} {'text' if name in TEXT_PARAMETERS else 'float8'}" for name in PARAMETERS
)
ADD_COLUMNS = (
    f"ALTER TABLE demo_rows {PARAMETER_COLUMNS}, ADD COLUMN runoff_avoided_m3 float8,"
    " ADD COLUMN extra_evaporation_m3 float8, ADD COLUMN extra_infiltration_m3 float8,"
    " ADD COLUMN disconnected_area_source text"
)
MEASURE_COLUMNS = (
    "id, type, title, description, status, review_state, disconnected_area_m2,"
    " retention_volume_m3, cost_eur, funding, completed_on, partner, source, geom,"
    " municipality, area_m2, runoff_avoided_m3, extra_evaporation_m3, extra_infiltration_m3,"
    " disconnected_area_source"
)
INSERT = f"INSERT INTO measures ({MEASURE_COLUMNS}) SELECT {MEASURE_COLUMNS} FROM demo_rows"

FIRST_ID = "SELECT md5('klimawerk-demo:' || $1 || ':1')::uuid"
COUNT_DEMO = "SELECT count(*) FROM measures WHERE source = 'demo'"


def _type_table() -> list[str]:
    table = [t for t, pct in TYPE_PERCENT.items() for _ in range(pct)]
    assert len(table) == 100, "TYPE_PERCENT must sum to 100"
    return table


async def demo_present(conn: asyncpg.Connection, count: int, seed: int) -> bool:
    """True when exactly `count` demo measures of `seed` are loaded already."""
    first = await conn.fetchval(FIRST_ID, str(seed))
    exists = await conn.fetchval("SELECT exists(SELECT 1 FROM measures WHERE id = $1)", first)
    return bool(exists) and await conn.fetchval(COUNT_DEMO) == count


async def delete_demo(conn: asyncpg.Connection) -> int:
    """Remove all demo measures, and their history, in the caller's transaction."""
    # Demo rows are synthetic: their removal is not history worth keeping.
    await conn.execute("ALTER TABLE measures DISABLE TRIGGER measures_keep_history")
    status = await conn.execute("DELETE FROM measures WHERE source = 'demo'")
    await conn.execute("ALTER TABLE measures ENABLE TRIGGER measures_keep_history")
    return int(status.split()[-1])


async def generate_demo_slice(
    conn: asyncpg.Connection, count: int, seed: int, slices: int, slice_no: int
) -> None:
    """Generate the demo rows whose number i satisfies i % slices == slice_no into the
    temp table `demo_rows` (dropped at commit), with room for their impacts."""
    await conn.execute(_FUNCTIONS)
    await conn.execute(
        _GENERATE, count, seed, _type_table(), STREETS, FUNDING, PARTNERS, slices, slice_no
    )
    await conn.execute(ADD_COLUMNS)


async def insert_demo_slice(conn: asyncpg.Connection) -> int:
    """Insert the generated rows (impacts stored on them) into `measures`."""
    # Municipality, area and impacts are derived already; the trigger need not derive
    # municipality and area again.
    await conn.execute("SET LOCAL klimawerk.derived = 'on'")
    # Slices run in parallel; each bumping the data version would serialise them on
    # its row lock. The loader bumps it once after all slices (bump_data_version).
    await conn.execute("SET LOCAL klimawerk.defer_version_bump = 'on'")
    status = await conn.execute(INSERT)
    return int(status.split()[-1])
