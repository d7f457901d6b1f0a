"""CQL2 filters (Part 3) checked against brute-force Python over the same rows."""

from __future__ import annotations

import datetime as dt
import json

import asyncpg
import httpx
import pytest
from pyproj import Transformer
from shapely import wkt
from shapely.geometry import Point, box

from tests.factories import insert_measure
from tests.ogc.oracle import matched

pytestmark = pytest.mark.usefixtures("demo")
ITEMS = "/collections/measures/items"
ESSEN_WINDOW = box(6.98, 51.42, 7.05, 51.47)


async def rows(pool: asyncpg.Pool) -> list[dict]:
    records = await pool.fetch(
        "SELECT id::text, type, title, status, municipality, area_m2, cost_eur, completed_on,"
        " retention_volume_m3, ST_AsText(geom) AS wkt FROM measures"
        " WHERE review_state = 'published' AND deleted_at IS NULL"
    )
    return [dict(r) for r in records]


CASES = [
    ("type = 'swale'", lambda r: r["type"] == "swale"),
    (
        "area_m2 > 500 AND status <> 'cancelled'",
        lambda r: r["area_m2"] > 500 and r["status"] != "cancelled",
    ),
    ("title LIKE 'Zisterne%'", lambda r: r["title"].startswith("Zisterne")),
    ("CASEI(title) LIKE CASEI('zisterne%')", lambda r: r["title"].lower().startswith("zisterne")),
    ("status IN ('planned', 'in_progress')", lambda r: r["status"] in ("planned", "in_progress")),
    (
        "cost_eur BETWEEN 10000 AND 20000",
        lambda r: r["cost_eur"] and 10000 <= r["cost_eur"] <= 20000,
    ),
    (
        "NOT (type = 'cistern' OR type = 'tree_trench')",
        lambda r: r["type"] not in ("cistern", "tree_trench"),
    ),
    ("retention_volume_m3 IS NULL", lambda r: r["retention_volume_m3"] is None),
    (
        "completed_on > DATE('2024-01-01')",
        lambda r: r["completed_on"] and r["completed_on"] > dt.date(2024, 1, 1),
    ),
    (
        "T_AFTER(completed_on, DATE('2024-01-01'))",
        lambda r: r["completed_on"] and r["completed_on"] > dt.date(2024, 1, 1),
    ),
    # Half-open intervals: the open end's parameter is not bound (it had no type: a 500).
    (
        "T_AFTER(completed_on, INTERVAL('..', '2024-01-01'))",
        lambda r: r["completed_on"] and r["completed_on"] > dt.date(2024, 1, 1),
    ),
    (
        "T_BEFORE(completed_on, INTERVAL('2020-01-01', '..'))",
        lambda r: r["completed_on"] and r["completed_on"] < dt.date(2020, 1, 1),
    ),
    (
        "T_DURING(completed_on, INTERVAL('2019-01-01', '2019-12-31'))",
        lambda r: (
            r["completed_on"] and dt.date(2019, 1, 1) < r["completed_on"] < dt.date(2019, 12, 31)
        ),
    ),
    (
        "S_INTERSECTS(geometry, POLYGON(("
        "6.98 51.42, 7.05 51.42, 7.05 51.47, 6.98 51.47, 6.98 51.42)))",
        lambda r: wkt.loads(r["wkt"]).intersects(ESSEN_WINDOW),
    ),
    (
        "S_WITHIN(geometry, BBOX(6.98, 51.42, 7.05, 51.47))",
        lambda r: wkt.loads(r["wkt"]).within(ESSEN_WINDOW),
    ),
]


@pytest.mark.parametrize(("text", "predicate"), CASES)
async def test_cql2_text_matches_brute_force(
    client: httpx.AsyncClient, pool: asyncpg.Pool, text: str, predicate
) -> None:
    expected = {r["id"] for r in await rows(pool) if predicate(r)}
    assert await matched(client, {"filter": text}) == expected
    assert expected, "the case should match something in the demo data"


async def test_cql2_json_equals_text(client: httpx.AsyncClient) -> None:
    as_json = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "municipality"}, "05113000"]},
            {"op": ">=", "args": [{"property": "area_m2"}, 100]},
        ],
    }
    by_json = await matched(client, {"filter": json.dumps(as_json), "filter-lang": "cql2-json"})
    by_text = await matched(client, {"filter": "municipality = '05113000' AND area_m2 >= 100"})
    assert by_json == by_text and by_json


async def test_filter_combines_with_bbox_and_simple_filters(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    expected = {
        r["id"]
        for r in await rows(pool)
        if r["type"] == "green_roof_extensive"
        and r["area_m2"] > 200
        and wkt.loads(r["wkt"]).intersects(ESSEN_WINDOW)
    }
    got = await matched(
        client,
        {
            "filter": "area_m2 > 200",
            "type": "green_roof_extensive",
            "bbox": "6.98,51.42,7.05,51.47",
        },
    )
    assert got == expected


async def test_filter_crs_utm32(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    # A projected rectangle's edges curve in lon/lat: the top edge of this 6 km box
    # bulges 0.9 m north of the straight line between its corners. A measure 0.3 m
    # inside that edge lies outside the straight-edged box, so it is found only when
    # the box is densified before reprojection, as for the `bbox` parameter.
    to_lon_lat = Transformer.from_crs(25832, 4326, always_xy=True)
    near_edge = Point(*to_lon_lat.transform(363000.0, 5706000.0 - 0.3))
    async with pool.acquire() as conn:
        row = await insert_measure(conn, near_edge, type="cistern", title="Am Rand")
    try:
        utm = await matched(
            client,
            {
                "filter": "S_INTERSECTS(geometry, BBOX(360000, 5700000, 366000, 5706000))",
                "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/25832",
            },
        )
        by_bbox = await matched(
            client,
            {
                "bbox": "360000,5700000,366000,5706000",
                "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/25832",
            },
        )
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
    assert str(row["id"]) in utm
    assert utm == by_bbox


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("colour = 'green'", "unknown property 'colour'"),
        ("type = ", "not valid cql2-text"),
        ("area_m2 > 'big'", "expected a number"),
        ("title = 5", "expected a string"),
        ("completed_on > DATE('2020-13-45')", "not an ISO 8601 date"),
        ("S_INTERSECTS(title, POINT(7 51))", "needs a geometry"),
        ("S_INTERSECTS(geometry, POLYGON((7 51, 8 51, 8 52, 9 50, 7 51.5)))", "not valid"),
        ("type = 'x'; DROP TABLE measures", "not valid cql2-text"),
        ("title * 2 > 5", "arithmetic needs numbers"),
        ("area_m2 / 0 > 5", "division by zero"),
        ("T_AFTER(title, DATE('2020-01-01'))", "needs a date property"),
    ],
)
async def test_bad_filters_are_400_naming_the_problem(
    client: httpx.AsyncClient, pool: asyncpg.Pool, text: str, needle: str
) -> None:
    before = await pool.fetchval("SELECT count(*) FROM measures")
    response = await client.get(ITEMS, params={"filter": text})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert needle in response.json()["detail"]
    assert await pool.fetchval("SELECT count(*) FROM measures") == before


async def test_sql_in_a_literal_is_just_a_string(client: httpx.AsyncClient) -> None:
    got = await matched(client, {"filter": "title = 'x'' OR ''1''=''1'"})
    assert got == set()


async def test_queryables_schema(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    schema = response.json()
    assert schema["properties"]["area_m2"]["type"] == "number"
    assert "swale" in schema["properties"]["type"]["enum"]
    assert schema["properties"]["completed_on"]["format"] == "date"
