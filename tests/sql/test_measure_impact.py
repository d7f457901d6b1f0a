"""Each measure's water-balance impact, stored by the database, equals the pure rule."""

from __future__ import annotations

import asyncpg
import pytest
from shapely.geometry import box

from app.domain.catalogue import load_catalogue
from app.domain.water_balance import DEFAULT_PRECIPITATION_MM, impact
from tests.factories import insert_measure
from tests.geo import to_metric, to_wgs84

GELSENKIRCHEN = "05513000"


def roof_of(area_m2: float):  # type: ignore[no-untyped-def]
    corner = to_metric(box(7.10, 51.52, 7.1001, 51.5201)).bounds
    side = area_m2**0.5
    return to_wgs84(box(corner[0], corner[1], corner[0] + side, corner[1] + side))


async def test_default_precipitation_is_the_same_in_sql_and_python(
    conn: asyncpg.Connection,
) -> None:
    assert await conn.fetchval("SELECT measure_default_precipitation_mm()") == (
        DEFAULT_PRECIPITATION_MM
    )


@pytest.mark.parametrize(
    ("type_id", "disconnected"),
    [("green_roof_extensive", None), ("swale", 900.0), ("unsealing", 100.0)],
)
async def test_stored_impact_equals_the_pure_function(
    conn: asyncpg.Connection, type_id: str, disconnected: float | None
) -> None:
    row = await insert_measure(
        conn, roof_of(100.0), type=type_id, disconnected_area_m2=disconnected
    )
    stored = await conn.fetchrow(
        "SELECT area_m2, runoff_avoided_m3, extra_evaporation_m3, extra_infiltration_m3"
        " FROM measures WHERE id = $1",
        row["id"],
    )
    catalogue = load_catalogue()
    expected = impact(
        catalogue.types[type_id], catalogue.reference_state, stored["area_m2"], disconnected
    )
    assert stored["runoff_avoided_m3"] == pytest.approx(expected.runoff_avoided_m3)
    assert stored["extra_evaporation_m3"] == pytest.approx(expected.extra_evaporation_m3)
    assert stored["extra_infiltration_m3"] == pytest.approx(expected.extra_infiltration_m3)


async def test_a_100_m2_green_roof_avoids_32_m3_a_year(conn: asyncpg.Connection) -> None:
    row = await insert_measure(conn, roof_of(100.0))
    import json

    props = json.loads(row["feature"])["properties"]
    assert props["area_m2"] == pytest.approx(100.0, abs=0.01)
    assert props["runoff_avoided_m3"] == pytest.approx(32.0, abs=0.1)  # 100 m² x 0.8 m x 0.4
    assert props["extra_evaporation_m3"] == pytest.approx(32.0, abs=0.1)


async def test_new_precipitation_refreshes_impacts_without_new_versions(
    conn: asyncpg.Connection,
) -> None:
    from app.sql.statistics import upsert_baseline

    row = await insert_measure(conn, roof_of(100.0))
    await upsert_baseline(
        conn, GELSENKIRCHEN, {"precipitation_mm": 1000.0, "precipitation_source": "test"}
    )
    after = await conn.fetchrow(
        "SELECT version, runoff_avoided_m3 FROM measures WHERE id = $1", row["id"]
    )
    assert after["version"] == 1
    assert after["runoff_avoided_m3"] == pytest.approx(100.0 * 1.0 * 0.4, rel=1e-3)
    assert (
        await conn.fetchval("SELECT count(*) FROM measure_history WHERE measure_id = $1", row["id"])
        == 0
    )
