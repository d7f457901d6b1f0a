"""Demo measures: deterministic, plausible, of every type, idempotent."""

from __future__ import annotations

import asyncpg
import pytest

from app.domain.catalogue import geometry_allowed, load_catalogue
from app.services.loading import load_demo
from app.sql import statistics

FINGERPRINT = (
    "SELECT md5(string_agg(id::text || type || title || status || review_state"
    " || ST_AsText(geom) || coalesce(cost_eur::text, ''), ',' ORDER BY id))"
    " FROM measures WHERE source = 'demo'"
)


@pytest.fixture
async def empty(pool: asyncpg.Pool) -> None:
    await pool.execute("TRUNCATE measures, measure_history")


@pytest.mark.usefixtures("empty")
async def test_same_seed_same_data_other_seed_other_data(dsn: str, pool: asyncpg.Pool) -> None:
    first = await load_demo(dsn, 1500, 5)
    assert first.inserted == 1500 and not first.skipped
    print_a = await pool.fetchval(FINGERPRINT)

    await pool.execute("TRUNCATE measures, measure_history")
    await load_demo(dsn, 1500, 5)
    assert await pool.fetchval(FINGERPRINT) == print_a

    other = await load_demo(dsn, 1500, 6)
    assert other.deleted == 1500 and other.inserted == 1500
    assert await pool.fetchval(FINGERPRINT) != print_a
    assert await pool.fetchval("SELECT count(*) FROM measures") == 1500


@pytest.mark.usefixtures("empty")
async def test_loading_twice_is_a_no_op(dsn: str, pool: asyncpg.Pool) -> None:
    await load_demo(dsn, 800, 3)
    again = await load_demo(dsn, 800, 3)
    assert again.skipped
    assert await pool.fetchval("SELECT count(*) FROM measures") == 800
    assert await pool.fetchval("SELECT count(*) FROM measure_history") == 0


@pytest.mark.usefixtures("empty")
async def test_demo_is_plausible(dsn: str, pool: asyncpg.Pool) -> None:
    await load_demo(dsn, 4000, 9)
    catalogue = load_catalogue()
    rows = await pool.fetch(
        "SELECT type, GeometryType(geom) AS gtype, area_m2, source, municipality, status,"
        " completed_on, review_state, ST_IsValid(geom) AS valid FROM measures"
    )
    assert {r["type"] for r in rows} == set(catalogue.types)
    assert {r["municipality"] for r in rows} == set(
        await pool.fetchval("SELECT array_agg(ags) FROM municipalities")
    )
    for r in rows:
        measure_type = catalogue.types[r["type"]]
        gtype = r["gtype"].title().replace("string", "String")
        assert geometry_allowed(measure_type, gtype), (r["type"], r["gtype"])
        assert r["valid"] and r["source"] == "demo"
        assert (r["completed_on"] is not None) == (r["status"] == "completed")
    roofs = [r["area_m2"] for r in rows if r["type"] == "green_roof_extensive"]
    assert min(roofs) >= 60 and max(roofs) <= 800
    retention = [r["area_m2"] for r in rows if r["type"] == "retention_area"]
    assert min(retention) > 500
    points = [r for r in rows if r["type"] in ("cistern", "tree_trench")]
    assert all(r["area_m2"] == 0 and r["gtype"] == "POINT" for r in points)
    states = [r["review_state"] for r in rows]
    assert 0.8 < states.count("published") / len(states) < 0.97
    assert states.count("submitted") > 0


async def test_demo_baselines_fill_only_the_gaps(conn: asyncpg.Connection) -> None:
    await conn.execute("DELETE FROM municipality_baselines")
    await conn.execute(
        "INSERT INTO municipality_baselines (ags, sealed_area_m2, sealed_source, sealed_year)"
        " VALUES ('05513000', 1234000, 'survey 2023', 2023)"
    )
    changed = await statistics.insert_demo_baselines(conn)
    assert len(changed) == 16 and "05513000" not in changed
    rows = await conn.fetch(
        "SELECT b.ags, b.sealed_area_m2, b.sealed_source, b.is_demo, m.area_m2"
        " FROM municipality_baselines b JOIN municipalities m USING (ags)"
    )
    for row in rows:
        if row["ags"] == "05513000":
            assert (row["sealed_area_m2"], row["is_demo"]) == (1234000, False)
            assert row["sealed_source"] == "survey 2023"
        else:
            assert row["is_demo"] is True and "not a survey" in row["sealed_source"]
            assert row["sealed_area_m2"] == pytest.approx(
                statistics.DEMO_SEALED_SHARE * row["area_m2"], abs=500
            )
    assert await statistics.insert_demo_baselines(conn) == []
