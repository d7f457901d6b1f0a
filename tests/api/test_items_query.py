"""Items with crs/bbox-crs (Part 2), datetime, sortby and properties."""

from __future__ import annotations

import datetime as dt

import asyncpg
import httpx
import pytest
from shapely import wkt
from shapely.geometry import box, shape

from tests.geo import to_metric, to_wgs84

pytestmark = pytest.mark.usefixtures("demo")
ITEMS = "/collections/measures/items"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


async def published(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT id::text, ST_AsText(geom) AS wkt, completed_on, area_m2, title, cost_eur"
        " FROM measures WHERE review_state = 'published' AND deleted_at IS NULL"
    )


async def fetch_all(client: httpx.AsyncClient, params: dict) -> list[dict]:
    features, url, query = [], ITEMS, {**params, "limit": 700}
    while url:
        body = (await client.get(url, params=query)).json()
        assert "features" in body, body
        features.extend(body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        query = None
    return features


async def test_output_in_utm32_matches_a_pyproj_transform(client: httpx.AsyncClient) -> None:
    lonlat = (await client.get(ITEMS, params={"limit": 5})).json()["features"]
    response = await client.get(ITEMS, params={"limit": 5, "crs": EPSG + "25832"})
    assert response.headers["content-crs"] == f"<{EPSG}25832>"
    for a, b in zip(lonlat, response.json()["features"], strict=True):
        expected = to_metric(shape(a["geometry"]))
        assert shape(b["geometry"]).hausdorff_distance(expected) < 0.01  # metres


async def test_epsg_4326_is_latitude_first(client: httpx.AsyncClient) -> None:
    lonlat = (await client.get(ITEMS, params={"limit": 3})).json()["features"]
    latlon = (await client.get(ITEMS, params={"limit": 3, "crs": EPSG + "4326"})).json()
    for a, b in zip(lonlat, latlon["features"], strict=True):
        x, y = shape(a["geometry"]).representative_point().coords[0]
        flipped = shape(b["geometry"])
        assert flipped.bounds[0] > 50 and flipped.bounds[1] < 8  # lat first
        assert flipped.distance(shape({"type": "Point", "coordinates": [y, x]})) < 1e-6


async def test_single_item_in_web_mercator(client: httpx.AsyncClient) -> None:
    first = (await client.get(ITEMS, params={"limit": 1})).json()["features"][0]
    response = await client.get(f"{ITEMS}/{first['id']}", params={"crs": "EPSG:3857"})
    assert response.headers["content-crs"] == f"<{EPSG}3857>"
    x, y = shape(response.json()["geometry"]).centroid.coords[0]
    assert 700_000 < x < 900_000 and 6_650_000 < y < 6_780_000


async def test_bbox_in_utm32_selects_like_shapely(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    window_m = box(360_000, 5_700_000, 366_000, 5_706_000)
    window = to_wgs84(window_m)
    expected = {r["id"] for r in await published(pool) if wkt.loads(r["wkt"]).intersects(window)}
    features = await fetch_all(
        client,
        {
            "bbox": "360000,5700000,366000,5706000",
            "bbox-crs": EPSG + "25832",
        },
    )
    assert expected and {f["id"] for f in features} == expected


async def test_bbox_in_epsg_4326_is_lat_lon(client: httpx.AsyncClient) -> None:
    a = (await client.get(ITEMS, params={"bbox": "7.0,51.4,7.1,51.5", "limit": 1000})).json()
    b = (
        await client.get(
            ITEMS, params={"bbox": "51.4,7.0,51.5,7.1", "bbox-crs": EPSG + "4326", "limit": 1000}
        )
    ).json()
    assert a["numberMatched"] == b["numberMatched"] > 0


async def test_unknown_crs_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(ITEMS, params={"crs": EPSG + "31467"})
    assert response.status_code == 400
    assert "not supported" in response.json()["detail"]


@pytest.mark.parametrize(
    ("value", "lo", "hi"),
    [
        ("2020-01-01/2021-12-31", dt.date(2020, 1, 1), dt.date(2021, 12, 31)),
        ("../2016-06-30", None, dt.date(2016, 6, 30)),
        ("2025-01-01T00:00:00Z/..", dt.date(2025, 1, 1), None),
    ],
)
async def test_datetime_filters_completion_date(
    client: httpx.AsyncClient, pool: asyncpg.Pool, value: str, lo, hi
) -> None:
    expected = {
        r["id"]
        for r in await published(pool)
        if r["completed_on"]
        and (lo is None or r["completed_on"] >= lo)
        and (hi is None or r["completed_on"] <= hi)
    }
    features = await fetch_all(client, {"datetime": value})
    assert expected and {f["id"] for f in features} == expected


@pytest.mark.parametrize("sortby", ["-area_m2", "completed_on,title", "+cost_eur,-title"])
async def test_sortby_orders_and_pages_every_feature_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool, sortby: str
) -> None:
    features = await fetch_all(client, {"sortby": sortby})
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == len(await published(pool))
    keys = [k.strip() for k in sortby.split(",")]

    def sort_key(feature: dict) -> tuple:
        out = []
        for key in keys:
            name = key.lstrip("+-")
            value = feature["properties"][name]
            out.append(value is None)  # nulls last
            if value is not None and key.startswith("-"):
                value = -value if isinstance(value, float) else _Reverse(value)
            out.append(value if value is not None else 0)
        return tuple(out)

    assert [sort_key(f) for f in features] == sorted(sort_key(f) for f in features)


class _Reverse:
    """Orders strings backwards, for checking descending text keys."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Reverse) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.value == other.value


async def test_properties_selects_what_is_returned(client: httpx.AsyncClient) -> None:
    body = (await client.get(ITEMS, params={"properties": "title,type", "limit": 5})).json()
    for feature in body["features"]:
        assert set(feature["properties"]) == {"title", "type"}
        assert feature["geometry"]["type"]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"sortby": "colour"}, "cannot sort by 'colour'"),
        ({"properties": "title,colour"}, "unknown property colour"),
        ({"datetime": "yesterday"}, "not an RFC 3339"),
        ({"datetime": "2021-01-01/2020-01-01"}, "starts after it ends"),
        ({"bbox-crs": EPSG + "9999", "bbox": "1,2,3,4"}, "bbox-crs"),
        ({"filter-lang": "cql2-text"}, "need a filter"),
    ],
)
async def test_bad_query_options_are_400(
    client: httpx.AsyncClient, params: dict, needle: str
) -> None:
    response = await client.get(ITEMS, params=params)
    assert response.status_code == 400
    assert needle in response.json()["detail"]
