"""Slots for heavy work: known by URL, a full kind sheds at once with 503 and Retry-After."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.errors import InvalidParameter
from app.guards.slots import Slots, SlotsMiddleware, heavy_kind
from app.http.query import Query

REFUSED = "400"


@pytest.mark.parametrize(
    ("path", "query", "kind"),
    [
        ("/collections/measures/items", b"f=gpkg", "export"),
        ("/collections/measures/items", b"limit=10&f=csv", "export"),
        ("/collections/measures/items", b"f=geojson-file", "export"),
        ("/collections/measures/items", b"limit=10000&f=html", "heavy"),
        ("/collections/measures/items", b"limit=1000", None),
        # What the handler refuses is refused here too, with the same 400.
        ("/collections/measures/items", b"limit=abc", REFUSED),
        ("/collections/measures/items", b"limit=" + b"9" * 5000, REFUSED),
        ("/collections/measures/items", b"limit=%C2%B2", REFUSED),  # ²
        ("/collections/measures/items", b"limit=1&limit=10000", REFUSED),
        ("/collections/measures/items", b"limit=%2010000", REFUSED),
        ("/collections/measures/items", b"limit=+10000", REFUSED),
        ("/collections/measures/items", b"limit=%2B10000", REFUSED),
        ("/collections/measures/items", b"limit=10_000", REFUSED),
        ("/collections/measures/items", b"f=json&f=csv", REFUSED),
        ("/collections/measures/items", b"f=CSV", REFUSED),
        ("/collections/measures/tiles/WebMercatorQuad/²/0/0", b"", REFUSED),
        ("/collections/measures/tiles/WebMercatorQuad/" + "1" * 5000 + "/0/0", b"", REFUSED),
        ("/collections/measures/items", b"", None),
        ("/collections/measures/tiles/WebMercatorQuad/8/132/85", b"", "tile"),
        ("/collections/measures/tiles/WebMercatorQuad/14/8511/5451", b"", None),
        ("/collections/measures/tiles/WebMercatorQuad/tilejson.json", b"", None),
        ("/statistics", b"limit=99999", None),
    ],
)
def test_heavy_requests_are_known_by_their_url(path: str, query: bytes, kind: str | None) -> None:
    if kind == REFUSED:
        with pytest.raises(InvalidParameter):
            heavy_kind(path, Query.parse(query), heavy_page_size=1000)
        return
    assert heavy_kind(path, Query.parse(query), heavy_page_size=1000) == kind


async def test_a_full_kind_refuses_until_a_slot_comes_back() -> None:
    slots = Slots({"export": 1, "heavy": 2})
    assert await slots.take("export") and not await slots.take("export")
    assert await slots.take("heavy") and await slots.take("heavy")
    assert not await slots.take("heavy")
    slots.give_back("export")
    assert await slots.take("export")
    assert slots.busy == {"export": 1, "heavy": 2}


async def test_a_kind_with_a_wait_gets_a_slot_freed_meanwhile_or_gives_up() -> None:
    slots = Slots({"tile": 1}, waits={"tile": 0.3})
    assert await slots.take("tile")
    asyncio.get_running_loop().call_later(0.1, slots.give_back, "tile")
    assert await slots.take("tile")  # freed within the wait
    started = asyncio.get_running_loop().time()
    assert not await slots.take("tile")
    assert 0.25 < asyncio.get_running_loop().time() - started < 1


async def slow_export(request: Request) -> Response:
    await asyncio.sleep(0.3)
    if request.query_params.get("fail"):
        raise RuntimeError("boom")
    return PlainTextResponse("file")


async def test_the_request_beyond_the_slots_gets_503_at_once() -> None:
    slots = Slots({"export": 1, "heavy": 1})
    app = Starlette(routes=[Route("/collections/measures/items", slow_export)])
    guarded = SlotsMiddleware(app, slots, heavy_page_size=1000)
    transport = httpx.ASGITransport(app=guarded, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        first = asyncio.create_task(http.get("/collections/measures/items?f=csv"))
        await asyncio.sleep(0.05)
        shed = await http.get("/collections/measures/items?f=gpkg")
        ordinary = await http.get("/collections/measures/items?limit=5")
        assert (await first).status_code == 200
        assert slots.busy["export"] == 0
        await http.get("/collections/measures/items?f=csv&fail=1")
    assert shed.status_code == 503
    assert shed.headers["retry-after"] == "2"
    assert shed.headers["content-type"] == "application/problem+json"
    assert ordinary.status_code == 200
    assert slots.busy["export"] == 0  # a failed request gives its slot back too
