"""The database derives municipality, area and bookkeeping from the geometry."""

from __future__ import annotations

import json

import asyncpg
import pytest
from shapely.geometry import LineString, Point, box

from tests.factories import insert_measure
from tests.geo import expected_municipality, metric_boundaries, to_metric, to_wgs84

GELSENKIRCHEN, ESSEN = "05513000", "05113000"


def border_squares() -> list[tuple[str, object]]:
    """60 m squares at points along the Gelsenkirchen/Essen border, shifted either way."""
    border = metric_boundaries()[GELSENKIRCHEN].boundary.intersection(
        metric_boundaries()[ESSEN].boundary
    )
    lines = [g for g in getattr(border, "geoms", [border]) if g.length > 500]
    line = max(lines, key=lambda g: g.length)
    cases = []
    for fraction in (0.2, 0.5, 0.8):
        p = line.interpolate(fraction, normalized=True)
        for dx, dy in ((-45, 0), (45, 0), (0, -45), (0, 45), (10, 5)):
            square = box(p.x + dx - 30, p.y + dy - 30, p.x + dx + 30, p.y + dy + 30)
            cases.append((f"{fraction}:{dx},{dy}", to_wgs84(square)))
    return cases


@pytest.mark.parametrize(("case", "square"), border_squares())
async def test_municipality_is_where_most_of_the_measure_lies(
    conn: asyncpg.Connection, case: str, square: object
) -> None:
    row = await insert_measure(conn, square)
    assert row["municipality"] == expected_municipality(square), case
    assert row["municipality"] in (GELSENKIRCHEN, ESSEN)


async def test_border_squares_cover_both_sides_and_straddle(conn: asyncpg.Connection) -> None:
    """The cases above are only meaningful if they fall on both sides and across the border."""
    sides, straddling = set(), 0
    boundary_ge = metric_boundaries()[GELSENKIRCHEN]
    for _, square in border_squares():
        metric = to_metric(square)
        sides.add(expected_municipality(square))
        if 0 < boundary_ge.intersection(metric).area < metric.area:
            straddling += 1
    assert sides == {GELSENKIRCHEN, ESSEN}
    assert straddling >= 3


async def test_polygon_area_is_computed_in_utm32(conn: asyncpg.Connection) -> None:
    centre = to_metric(Point(7.05, 51.51))
    roof = to_wgs84(box(centre.x, centre.y, centre.x + 20, centre.y + 10))
    row = await insert_measure(conn, roof)
    assert row["area_m2"] == pytest.approx(200.0, rel=1e-6)
    assert json.loads(row["feature"])["properties"]["area_m2"] == pytest.approx(200.0, abs=0.01)


async def test_line_area_is_length_times_type_width(conn: asyncpg.Connection) -> None:
    width = await conn.fetchval(
        "SELECT line_width_m FROM measure_types WHERE id = 'infiltration_trench'"
    )
    start = to_metric(Point(7.05, 51.51))
    trench = to_wgs84(LineString([(start.x, start.y), (start.x + 30, start.y + 40)]))
    row = await insert_measure(conn, trench, type="infiltration_trench")
    assert width > 0
    assert row["area_m2"] == pytest.approx(50.0 * width, rel=1e-6)


IN_GELSENKIRCHEN = Point(7.10, 51.52)
IN_ESSEN = Point(7.01, 51.45)


def test_reference_points_are_where_the_tests_assume() -> None:
    assert expected_municipality(IN_GELSENKIRCHEN) == GELSENKIRCHEN
    assert expected_municipality(IN_ESSEN) == ESSEN


async def test_point_has_no_area(conn: asyncpg.Connection) -> None:
    row = await insert_measure(conn, IN_GELSENKIRCHEN, type="cistern")
    assert row["area_m2"] == 0
    assert row["municipality"] == GELSENKIRCHEN


async def test_geometry_outside_the_region_is_refused(conn: asyncpg.Connection) -> None:
    # Swapped lat/lon of a point in Essen lands in the Indian Ocean.
    with pytest.raises(asyncpg.CheckViolationError, match=r"outside the Klima\.Werk"):
        await insert_measure(conn, Point(51.45, 7.01), type="cistern")


async def test_client_cannot_choose_municipality_or_version(conn: asyncpg.Connection) -> None:
    row = await insert_measure(
        conn, IN_GELSENKIRCHEN, type="cistern", municipality=ESSEN, version=99, area_m2=5.0
    )
    assert (row["municipality"], row["version"], row["area_m2"]) == (GELSENKIRCHEN, 1, 0)


async def test_update_bumps_version_and_keeps_the_earlier_version(
    conn: asyncpg.Connection,
) -> None:
    row = await insert_measure(conn, IN_GELSENKIRCHEN, type="cistern", title="Erst")
    await conn.execute("UPDATE measures SET title = 'Zweit' WHERE id = $1", row["id"])
    current = await conn.fetchrow("SELECT version, feature FROM measures WHERE id = $1", row["id"])
    history = await conn.fetch(
        "SELECT version, snapshot FROM measure_history WHERE measure_id = $1", row["id"]
    )
    assert current["version"] == 2
    assert json.loads(current["feature"])["properties"]["title"] == "Zweit"
    assert [(h["version"], json.loads(h["snapshot"])["properties"]["title"]) for h in history] == [
        (1, "Erst")
    ]


async def test_moving_a_measure_rederives_its_municipality(conn: asyncpg.Connection) -> None:
    row = await insert_measure(conn, IN_GELSENKIRCHEN, type="cistern")
    await conn.execute(
        "UPDATE measures SET geom = ST_SetSRID(ST_Point(7.01, 51.45), 4326) WHERE id = $1",
        row["id"],
    )
    assert (
        await conn.fetchval("SELECT municipality FROM measures WHERE id = $1", row["id"]) == ESSEN
    )
