"""The kept sums of published measures (measure_statistics) follow every kind of write
exactly, also with concurrent writers, and answer /statistics like the measures do."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest
from shapely.geometry import Point

from app.query.measure import MeasureQuery, Visibility
from app.schemas.baseline import BaselineInput
from app.services import baselines
from app.sql import kept_sums, statistics
from tests.factories import insert_measure

pytestmark = pytest.mark.usefixtures("demo")

SUMS = (
    "area_m2, disconnected_area_m2, runoff_avoided_m3, extra_evaporation_m3, extra_infiltration_m3"
)
KEPT = (
    f"SELECT municipality, type, status, year, count, {SUMS}"
    " FROM measure_statistics ORDER BY 1, 2, 3, 4"
)
LIVE = """
SELECT municipality, type, status, coalesce(extract(year FROM completed_on)::int, 0) AS year,
       count(*) AS count, sum(area_m2::numeric) AS area_m2,
       sum(coalesce(disconnected_area_m2, 0)::numeric) AS disconnected_area_m2,
       sum(coalesce(runoff_avoided_m3, 0)::numeric) AS runoff_avoided_m3,
       sum(coalesce(extra_evaporation_m3, 0)::numeric) AS extra_evaporation_m3,
       sum(coalesce(extra_infiltration_m3, 0)::numeric) AS extra_infiltration_m3
  FROM measures WHERE deleted_at IS NULL AND review_state = 'published'
 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""


async def assert_kept(conn: asyncpg.Connection) -> None:
    kept = [tuple(r) for r in await conn.fetch(KEPT)]
    live = [tuple(r) for r in await conn.fetch(LIVE)]
    assert kept == live
    assert kept, "the demo data should give groups"


async def test_kept_sums_follow_every_kind_of_write(conn: asyncpg.Connection) -> None:
    await assert_kept(conn)
    # Status and completion change groups; impact-only changes keep counts.
    await conn.execute(
        "UPDATE measures SET status = 'completed', completed_on = '2024-05-01'"
        " WHERE id IN (SELECT id FROM measures WHERE status = 'planned' LIMIT 50)"
    )
    await assert_kept(conn)
    await conn.execute(
        "UPDATE measures SET review_state = 'submitted'"
        " WHERE id IN (SELECT id FROM measures WHERE review_state = 'published' LIMIT 40)"
    )
    await assert_kept(conn)
    await conn.execute(
        "UPDATE measures SET deleted_at = now()"
        " WHERE id IN (SELECT id FROM measures WHERE deleted_at IS NULL LIMIT 30)"
    )
    await assert_kept(conn)
    await conn.execute("DELETE FROM measures WHERE id IN (SELECT id FROM measures LIMIT 25)")
    await assert_kept(conn)
    await insert_measure(
        conn,
        Point(7.10, 51.52).buffer(0.0002),
        status="completed",
        completed_on=dt.date(2025, 3, 1),
    )
    await insert_measure(conn, Point(7.11, 51.52).buffer(0.0002), review_state="submitted")
    await assert_kept(conn)
    # A baseline's climate changes every impact of a municipality (one refresh UPDATE).
    before = await conn.fetch(KEPT)
    await baselines.set_baseline(
        conn, "05513000", BaselineInput(precipitation_mm=900.0, climate_source="test")
    )
    assert await conn.fetch(KEPT) != before
    await assert_kept(conn)
    # A title edit touches no sum and leaves the groups alone.
    before = await conn.fetch(KEPT)
    await conn.execute("UPDATE measures SET title = title || ' (geprüft)'")
    assert await conn.fetch(KEPT) == before
    await conn.execute("TRUNCATE measures, measure_history")
    assert await conn.fetchval("SELECT count(*) FROM measure_statistics") == 0


async def test_concurrent_writers_keep_exact_sums(pool: asyncpg.Pool) -> None:
    async def writer(offset: float) -> None:
        async with pool.acquire() as conn, conn.transaction():
            for i in range(40):
                await insert_measure(
                    conn,
                    Point(7.09 + offset + i * 1e-4, 51.51).buffer(0.00005),
                    source="concurrency-test",
                    completed_on=dt.date(2023, 6, 1),
                )
                await asyncio.sleep(0)
            await conn.execute(
                "UPDATE measures SET status = 'in_progress' WHERE source = 'concurrency-test'"
                " AND ST_X(ST_Centroid(geom)) < $1",
                7.09 + offset + 0.002,
            )

    try:
        await asyncio.gather(writer(0.0), writer(0.01), writer(0.02))
        async with pool.acquire() as conn:
            await assert_kept(conn)
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM measures WHERE source = 'concurrency-test'"
                )
                == 120
            )
    finally:
        await pool.execute("DELETE FROM measures WHERE source = 'concurrency-test'")
    async with pool.acquire() as conn:
        await assert_kept(conn)


@pytest.mark.parametrize(
    "query",
    [
        MeasureQuery(),
        MeasureQuery(municipality=["05513000"]),
        MeasureQuery(type=["swale", "cistern"], status=["completed"]),
        MeasureQuery(completed=(dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        MeasureQuery(review_state=["published"], municipality=["05513000", "05113000"]),
    ],
)
async def test_kept_sums_answer_public_statistics_like_the_measures(
    conn: asyncpg.Connection, query: MeasureQuery
) -> None:
    assert kept_sums.answer(query)
    kept = await statistics.select_grouped(conn, query)
    where = statistics.measure_where(query)
    live = await conn.fetch(statistics.GROUPED.format(where=where.sql()), *where.values)

    def keyed(rows: list[asyncpg.Record]) -> dict[tuple, dict]:
        return {(r["municipality"], r["type"], r["status"], r["year"]): dict(r) for r in rows}

    kept_rows, live_rows = keyed(kept), keyed(live)
    assert kept_rows.keys() == live_rows.keys() and kept_rows
    for key, row in live_rows.items():
        for name, value in row.items():
            if isinstance(value, str | None):
                assert kept_rows[key][name] == value
            else:
                assert kept_rows[key][name] == pytest.approx(value, rel=1e-9, abs=1e-6), name


@pytest.mark.parametrize(
    "query",
    [
        MeasureQuery(visibility=Visibility(partner="Vivawest")),
        MeasureQuery(review_state=["submitted"]),
        MeasureQuery(completed=(dt.date(2023, 3, 1), dt.date(2023, 12, 31))),
        MeasureQuery(bbox=(7.0, 51.4, 7.1, 51.5)),
    ],
)
def test_what_the_kept_sums_cannot_answer_goes_to_the_measures(query: MeasureQuery) -> None:
    assert not kept_sums.answer(query)


def test_the_stored_baseline_columns_are_the_models_fields() -> None:
    assert tuple(BaselineInput.model_fields) == statistics.BASELINE_COLUMNS
