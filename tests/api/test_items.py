"""Reading measures: GeoJSON, bbox, filters, paging, errors."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from shapely.geometry import box, shape

pytestmark = pytest.mark.usefixtures("demo")


async def all_published(pool: asyncpg.Pool) -> dict[str, object]:
    rows = await pool.fetch(
        "SELECT id::text, ST_AsText(geom) AS wkt, municipality, type, status FROM measures"
        " WHERE review_state = 'published' AND deleted_at IS NULL"
    )
    return {r["id"]: r for r in rows}


async def test_items_are_rfc7946_geojson(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/items", params={"limit": 50})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"]) == 50
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        minx, miny, maxx, maxy = geometry.bounds
        # lon/lat order, inside the Ruhr area
        assert 6.5 < minx <= maxx < 7.9 and 51.3 < miny <= maxy < 51.8
        assert set(feature["properties"]) >= {
            "type",
            "title",
            "status",
            "review_state",
            "municipality",
            "area_m2",
            "disconnected_area_m2",
            "retention_volume_m3",
            "cost_eur",
            "funding",
            "completed_on",
            "partner",
            "source",
            "created_at",
            "updated_at",
            "version",
        }
        assert feature["properties"]["review_state"] == "published"


@pytest.mark.parametrize(
    "bbox",
    [
        (7.00, 51.44, 7.05, 51.47),
        (6.7, 51.3, 7.9, 51.8),
        (7.2, 51.45, 7.21, 51.46),
        (0.0, 0.0, 1.0, 1.0),
    ],
)
async def test_bbox_matches_brute_force_shapely(
    client: httpx.AsyncClient, pool: asyncpg.Pool, bbox: tuple[float, ...]
) -> None:
    from shapely import wkt

    window = box(*bbox)
    expected = {
        mid
        for mid, r in (await all_published(pool)).items()
        if wkt.loads(r["wkt"]).intersects(window)
    }
    response = await client.get(
        "/collections/measures/items",
        params={"bbox": ",".join(map(str, bbox)), "limit": 10000},
    )
    body = response.json()
    assert {f["id"] for f in body["features"]} == expected
    assert body["numberMatched"] == len(expected)


async def test_a_point_bbox_finds_what_contains_the_point(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    # A map click asks with a zero-size bbox; as a degenerate polygon it matched nothing.
    row = await pool.fetchrow(
        "SELECT id::text, ST_X(p) AS x, ST_Y(p) AS y FROM measures,"
        " ST_PointOnSurface(geom) AS p WHERE review_state = 'published'"
        " AND type = 'retention_area' LIMIT 1"
    )
    point = f"{row['x']},{row['y']},{row['x']},{row['y']}"
    found = (await client.get("/collections/measures/items", params={"bbox": point})).json()
    assert row["id"] in {f["id"] for f in found["features"]}
    ags = await pool.fetchval(
        "SELECT ags FROM municipalities WHERE ST_Intersects(geom, ST_Point($1, $2, 4326))",
        row["x"],
        row["y"],
    )
    towns = (await client.get("/collections/municipalities/items", params={"bbox": point})).json()
    assert [f["id"] for f in towns["features"]] == [ags]
    # The same point in UTM (zero span, so nothing to densify) finds the same measure.
    x, y = await pool.fetchrow(
        "SELECT ST_X(u), ST_Y(u) FROM ST_Transform(ST_Point($1, $2, 4326), 25832) AS u",
        row["x"],
        row["y"],
    )
    utm = await client.get(
        "/collections/measures/items",
        params={
            "bbox": f"{x},{y},{x},{y}",
            "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/25832",
        },
    )
    assert row["id"] in {f["id"] for f in utm.json()["features"]}


async def test_paging_returns_every_feature_exactly_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    expected = set(await all_published(pool))
    seen: list[str] = []
    url: str | None = "/collections/measures/items?limit=500"
    pages = 0
    while url:
        body = (await client.get(url)).json()
        seen.extend(f["id"] for f in body["features"])
        assert body["numberMatched"] == len(expected)
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        pages += 1
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == -(-len(expected) // 500)


async def test_prev_link_returns_the_previous_page(client: httpx.AsyncClient) -> None:
    first = (await client.get("/collections/measures/items?limit=7")).json()
    second_url = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = (await client.get(second_url)).json()
    prev_url = next(link["href"] for link in second["links"] if link["rel"] == "prev")
    back = (await client.get(prev_url)).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]


async def test_paging_is_stable_while_measures_are_added(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    from shapely.geometry import Point

    from tests.factories import insert_measure

    before = set(await all_published(pool))
    seen: list[str] = []
    url: str | None = "/collections/measures/items?limit=400"
    added = []
    while url:
        body = (await client.get(url)).json()
        seen.extend(f["id"] for f in body["features"])
        async with pool.acquire() as conn:
            row = await insert_measure(conn, Point(7.01, 51.45), type="cistern", source="paging")
            added.append(str(row["id"]))
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    await pool.execute("DELETE FROM measures WHERE source = 'paging'")
    assert len(seen) == len(set(seen))
    assert before <= set(seen)
    assert set(seen) <= before | set(added)


@pytest.mark.parametrize(
    ("params", "column", "values"),
    [
        ({"municipality": "05513000"}, "municipality", {"05513000"}),
        ({"type": "swale"}, "type", {"swale"}),
        ({"status": "completed"}, "status", {"completed"}),
        ({"type": "swale,cistern"}, "type", {"swale", "cistern"}),
    ],
)
async def test_simple_filters(
    client: httpx.AsyncClient, pool: asyncpg.Pool, params: dict, column: str, values: set
) -> None:
    expected = {mid for mid, r in (await all_published(pool)).items() if r[column] in values}
    body = (
        await client.get("/collections/measures/items", params={**params, "limit": 10000})
    ).json()
    assert {f["id"] for f in body["features"]} == expected
    assert expected, "the demo data should contain matches"


async def test_combined_filters_and_bbox(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    from shapely import wkt

    window = box(6.9, 51.4, 7.2, 51.6)
    expected = {
        mid
        for mid, r in (await all_published(pool)).items()
        if r["municipality"] == "05113000"
        and r["status"] == "completed"
        and wkt.loads(r["wkt"]).intersects(window)
    }
    body = (
        await client.get(
            "/collections/measures/items",
            params={
                "municipality": "05113000",
                "status": "completed",
                "bbox": "6.9,51.4,7.2,51.6",
                "limit": 10000,
            },
        )
    ).json()
    assert {f["id"] for f in body["features"]} == expected


async def test_unpublished_measures_are_not_visible_anonymously(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    hidden = await pool.fetchval(
        "SELECT id::text FROM measures WHERE review_state <> 'published' LIMIT 1"
    )
    assert hidden
    assert (await client.get(f"/collections/measures/items/{hidden}")).status_code == 404


async def test_single_item_with_etag(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    mid = await pool.fetchval(
        "SELECT id::text FROM measures WHERE review_state = 'published' LIMIT 1"
    )
    response = await client.get(f"/collections/measures/items/{mid}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    feature = response.json()
    assert feature["id"] == mid
    assert response.headers["etag"] == f'"{feature["properties"]["version"]}"'
    assert {link["rel"] for link in feature["links"]} == {"self", "collection"}
    again = await client.get(
        f"/collections/measures/items/{mid}", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


async def test_unknown_id_is_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/items/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("bbox=1,2,3", "4 numbers"),
        ("bbox=7,51,6,52", "minimum must not exceed"),
        ("bbox=a,b,c,d", "numbers"),
        ("bbox=7,51,nan,52", "bbox takes numbers"),
        ("bbox=7,51,1e999,52", "finite"),
        ("bbox=350000,5700000,360000,5710000", "bbox-crs"),
        ("limit=0", "between 1 and 10000"),
        ("limit=10000000", "between 1 and 10000"),
        ("limit=ten", "whole number"),
        ("type=green_roof", "unknown type 'green_roof'"),
        ("status=done", "unknown status 'done'"),
        ("municipality=05513001", "unknown municipality '05513001'"),
        ("municipality=1;DROP TABLE measures", "unknown municipality"),
        ("colour=green", "unknown query parameter(s): colour"),
        ("cursor=garbage!", "cursor"),
        ("f=xml", "f must be one of"),
    ],
)
async def test_bad_parameters_are_400_problems(
    client: httpx.AsyncClient, query: str, needle: str
) -> None:
    response = await client.get(f"/collections/measures/items?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert needle in problem["detail"]
    assert "Traceback" not in response.text


async def test_non_uuid_id_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/items/1%20OR%201=1")
    assert response.status_code == 400
    assert "UUID" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "05513000", "status": "completed"},
        {"type": "cistern,swale", "datetime": "2023-01-01/2023-12-31"},
        {"type": "cistern", "datetime": "1990-01-01/1990-12-31"},  # none: the empty page
        {"review_state": "published", "municipality": "05113000"},
    ],
)
async def test_number_matched_from_the_kept_sums_is_exact(
    client: httpx.AsyncClient, pool: asyncpg.Pool, params: dict[str, str]
) -> None:
    # These filters are answered from measure_statistics; count the measures directly.
    conditions, values = ["review_state = 'published'", "deleted_at IS NULL"], []
    for column in ("municipality", "type", "status"):
        if column in params:
            values.append(params[column].split(","))
            conditions.append(f"{column} = ANY(${len(values)}::text[])")
    if "datetime" in params:
        year = int(params["datetime"][:4])
        values.append(year)
        conditions.append(f"extract(year FROM completed_on) = ${len(values)}")
    expected = await pool.fetchval(
        f"SELECT count(*) FROM measures WHERE {' AND '.join(conditions)}", *values
    )
    body = (await client.get("/collections/measures/items", params={**params, "limit": 5})).json()
    assert body["numberMatched"] == expected
    assert body["numberReturned"] == min(5, expected)
