"""Nothing kept that should not be: answers to a key are `private, no-store` and vary
on the key headers; public ETags reveal no write count."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from shapely.geometry import Point

from tests.factories import insert_measure

ITEMS = "/collections/measures/items"


@pytest.fixture
async def measure_id(pool: asyncpg.Pool) -> AsyncIterator[str]:
    async with pool.acquire() as conn:
        row = await insert_measure(conn, Point(7.1, 51.52).buffer(0.0002), partner="Vivawest")
    yield str(row["id"])
    await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])


KEYED_PATHS = [
    "/me",
    f"{ITEMS}/{{id}}",
    f"{ITEMS}/{{id}}/history",
    f"{ITEMS}/{{id}}?f=html",
    f"{ITEMS}?limit=5",
    f"{ITEMS}?limit=5&f=html",
    f"{ITEMS}?f=csv&municipality=05513000",
    f"{ITEMS}?f=gpkg&municipality=05513000",
    f"{ITEMS}?f=geojson-file&municipality=05513000",
    "/statistics",
    "/statistics?f=csv",
    "/collections/measures/tiles/WebMercatorQuad/10/531/340",
    "/kommunen/05513000",
    "/collections",
]


def assert_private(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "private, no-store", response.url
    vary = [v.strip().lower() for v in response.headers["vary"].split(",")]
    assert "authorization" in vary and "x-api-key" in vary, response.url
    assert len(vary) == len(set(vary))  # each name once


@pytest.mark.parametrize("path", KEYED_PATHS)
@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
async def test_every_answer_to_a_key_is_private_and_not_stored(
    client: httpx.AsyncClient,
    roles: dict[str, dict[str, str]],
    measure_id: str,
    path: str,
    header: str,
) -> None:
    secret = roles["partner"]["Authorization"].removeprefix("Bearer ")
    headers = {"Authorization": f"Bearer {secret}"} if header == "bearer" else {"X-API-Key": secret}
    response = await client.get(path.format(id=measure_id), headers=headers)
    assert response.status_code in (200, 204), response.text[:300]
    assert_private(response)


async def test_a_refused_key_is_not_stored_either(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers={"X-API-Key": "kw_not_a_key"})
    assert response.status_code == 401
    assert_private(response)


async def test_an_anonymous_export_varies_on_the_key_headers(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ITEMS}?f=csv&municipality=05513000")
    assert response.status_code == 200
    assert "Authorization, X-API-Key" in response.headers["vary"]


async def test_the_same_key_twice_is_that_key(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    secret = roles["reviewer"]["Authorization"].removeprefix("Bearer ")
    response = await client.get(
        "/me", headers={"Authorization": f"Bearer {secret}", "X-API-Key": secret}
    )
    assert response.status_code == 200 and response.json()["role"] == "reviewer"


async def test_a_list_etag_tells_no_write_count(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    page = f"{ITEMS}?bbox=6.0,50.0,6.1,50.1&limit=5"  # nothing there
    before = (await client.get(page)).headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', before)
    async with pool.acquire() as conn:  # a write elsewhere, then its undoing
        row = await insert_measure(conn, Point(7.1, 51.52).buffer(0.0002))
    await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
    after = await client.get(page, headers={"If-None-Match": before})
    assert after.status_code == 304 and after.headers["etag"] == before
