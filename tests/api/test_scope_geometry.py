"""A key limited to some municipalities writes a measure only when every part of its
geometry lies in them (a part may stray over a border by BORDER_TOLERANCE_M); the
measure itself belongs where its largest share lies (app/domain/region.py)."""

from __future__ import annotations

from functools import cache

import asyncpg
import httpx
import pytest
from shapely.geometry import (
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    box,
    mapping,
)
from shapely.geometry.base import BaseGeometry

from app.domain.region import BORDER_TOLERANCE_M
from tests.api.conftest import ESSEN, GELSENKIRCHEN, auth, make_key
from tests.geo import metric_boundaries, to_wgs84

pytestmark = pytest.mark.usefixtures("clean")
ITEMS = "/collections/measures/items"
BOTTROP = "05512000"
# Coordinates in EPSG:25832, as a GIS department draws them.
UTM = {"Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>"}


@cache
def border() -> Point:
    """A point on the border of Gelsenkirchen and Essen (Essen lies west and south)."""
    shared = metric_boundaries()[GELSENKIRCHEN].boundary.intersection(
        metric_boundaries()[ESSEN].buffer(1)
    )
    line = shared.geoms[0] if hasattr(shared, "geoms") else shared
    return line.interpolate(line.length / 2)


def near(dx: float, dy: float) -> Point:
    return Point(border().x + dx, border().y + dy)


def square(center: Point, side: float = 20) -> BaseGeometry:
    h = side / 2
    return box(center.x - h, center.y - h, center.x + h, center.y + h)


def in_bottrop() -> Point:
    return metric_boundaries()[BOTTROP].representative_point()


def feature(geometry: BaseGeometry, kind: str) -> dict:
    return {
        "type": "Feature",
        "geometry": mapping(geometry),
        "properties": {"type": kind, "title": "Maßnahme an der Stadtgrenze"},
    }


@pytest.fixture
async def gelsenkirchen_key(pool: asyncpg.Pool) -> dict:
    return await make_key(pool, "Stadtwerke Gelsenkirchen", "partner", [GELSENKIRCHEN])


CITY_NAMES = {"05512000": "Bottrop", "05113000": "Essen", "05513000": "Gelsenkirchen"}


def assert_refused_for(response: httpx.Response, ags: str) -> None:
    assert response.status_code == 403, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    # German by default, naming the city the part reaches into.
    city = CITY_NAMES[ags]
    assert city in problem["detail"]
    assert problem["errors"] == [
        {"where": "/geometry", "problem": f"reicht nach {city}", "code": "geometry.reaches_into"}
    ]


GE_POINTS = [near(150, 0), near(0, 150), near(150, 150)]
CASES = {
    "MultiPoint, three in Gelsenkirchen and one in Bottrop": (
        MultiPoint([*GE_POINTS, in_bottrop()]),
        "cistern",
        BOTTROP,
    ),
    "MultiPoint, one just over the border in Essen": (
        MultiPoint([*GE_POINTS, near(-150, 0)]),
        "cistern",
        ESSEN,
    ),
    "MultiPolygon with a part in Bottrop": (
        MultiPolygon([square(near(150, 150)), square(in_bottrop())]),
        "green_roof_extensive",
        BOTTROP,
    ),
    "MultiLineString, one line in Essen": (
        MultiLineString(
            [
                [near(100, 100).coords[0], near(200, 200).coords[0]],
                [near(-100, -100).coords[0], near(-200, -250).coords[0]],
            ]
        ),
        "stream_daylighting",
        ESSEN,
    ),
    "a polygon across the border": (square(border(), 60), "green_roof_extensive", ESSEN),
}


@pytest.mark.parametrize("case", CASES)
async def test_a_scoped_key_may_not_create_with_one_part_outside(
    client: httpx.AsyncClient, gelsenkirchen_key: dict, pool: asyncpg.Pool, case: str
) -> None:
    geometry, kind, outside = CASES[case]
    response = await client.post(
        ITEMS, json=feature(geometry, kind), headers={**auth(gelsenkirchen_key), **UTM}
    )
    assert_refused_for(response, outside)
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


async def test_a_scoped_key_creates_when_every_part_lies_inside(
    client: httpx.AsyncClient, gelsenkirchen_key: dict
) -> None:
    geometry = MultiPoint(GE_POINTS)
    response = await client.post(
        ITEMS, json=feature(geometry, "cistern"), headers={**auth(gelsenkirchen_key), **UTM}
    )
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["municipality"] == GELSENKIRCHEN


@pytest.mark.parametrize(("stray_m", "status"), [(BORDER_TOLERANCE_M / 2, 201), (5.0, 403)])
async def test_a_part_may_stray_over_the_border_by_the_tolerance(
    client: httpx.AsyncClient, gelsenkirchen_key: dict, stray_m: float, status: int
) -> None:
    """A roof drawn along the city border: its edge lies `stray_m` metres in Essen."""
    ge = metric_boundaries()[GELSENKIRCHEN]
    roof = square(border(), 60).intersection(ge.buffer(stray_m)).simplify(0.05)
    # Sent as lon/lat (7 decimals, about 1 cm), as most clients do.
    response = await client.post(
        ITEMS, json=feature(to_wgs84(roof), "green_roof_extensive"), headers=auth(gelsenkirchen_key)
    )
    assert response.status_code == status, response.text


async def test_an_unscoped_key_stores_it_once_where_its_largest_share_lies(
    client: httpx.AsyncClient, roles: dict
) -> None:
    big, small = square(near(200, 200), 60), square(in_bottrop(), 10)
    response = await client.post(
        ITEMS,
        json=feature(MultiPolygon([big, small]), "green_roof_extensive"),
        headers={**auth(roles["partner"]), **UTM},
    )
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["municipality"] == GELSENKIRCHEN


async def test_a_scoped_key_may_not_move_a_part_outside(
    client: httpx.AsyncClient, gelsenkirchen_key: dict, pool: asyncpg.Pool
) -> None:
    created = await client.post(
        ITEMS,
        json=feature(MultiPoint(GE_POINTS), "cistern"),
        headers={**auth(gelsenkirchen_key), **UTM},
    )
    url = f"{ITEMS}/{created.json()['id']}"
    moved = {"geometry": mapping(MultiPoint([*GE_POINTS, in_bottrop()]))}
    for method in ("PATCH", "PUT"):
        body = moved if method == "PATCH" else {**created.json(), **moved}
        response = await client.request(
            method, url, json=body, headers={**auth(gelsenkirchen_key), **UTM}
        )
        assert_refused_for(response, BOTTROP)
    assert await pool.fetchval("SELECT version FROM measures") == 1


async def test_a_geometry_collection_is_refused_as_invalid(
    client: httpx.AsyncClient, gelsenkirchen_key: dict
) -> None:
    geometry = {
        "type": "GeometryCollection",
        "geometries": [mapping(near(150, 150)), mapping(in_bottrop())],
    }
    body = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"type": "cistern", "title": "x"},
    }
    response = await client.post(ITEMS, json=body, headers={**auth(gelsenkirchen_key), **UTM})
    assert response.status_code == 422
    assert any(e["where"].startswith("/geometry") for e in response.json()["errors"])


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Sie ist einmal gespeichert und zählt in Gelsenkirchen"),
        ("en", "It is stored once and counted in Gelsenkirchen"),
    ],
)
async def test_the_item_page_says_when_a_measure_spans_two_cities(
    client: httpx.AsyncClient, roles: dict, lang: str, text: str
) -> None:
    spanning = await client.post(
        ITEMS,
        json=feature(MultiPolygon([square(near(200, 200), 60), square(in_bottrop())]), "swale"),
        headers={**auth(roles["admin"]), **UTM},
    )
    inside = await client.post(
        ITEMS,
        json=feature(square(near(200, 200), 60), "swale"),
        headers={**auth(roles["admin"]), **UTM},
    )
    admin = auth(roles["admin"])
    page = await client.get(f"{ITEMS}/{spanning.json()['id']}?f=html&lang={lang}", headers=admin)
    assert page.status_code == 200
    assert "Bottrop" in page.text and text in page.text
    other = await client.get(f"{ITEMS}/{inside.json()['id']}?f=html&lang={lang}", headers=admin)
    assert other.status_code == 200
    assert 'class="spans"' not in other.text
