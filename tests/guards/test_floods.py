"""Floods against a real server at the DEFAULT settings: heavy work from one address is
slowed or shed while cheap requests (from the same address, or a partner's) stay fast.

Each flood lasts FLOOD_S seconds; the tests are marked `slow` (`pytest -m "not slow"`
leaves them out of a fast loop).
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import httpx
import orjson
import pytest

from app.services import loading
from tests.conftest import recreate_database
from tests.factories import create_key
from tests.servers import served

pytestmark = pytest.mark.slow

DATABASE = "klimawerk_test_floods"
MEASURES = 20_000
FLOOD_S = 15.0
ITEMS = "/collections/measures/items"
GELSENKIRCHEN = "05513000"


@dataclass
class Server:
    base: str
    item: str
    partner: dict[str, str]


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[Server]:
    """A server with the default limits on 20,000 measures, a measure and a partner key."""
    url = asyncio.run(recreate_database(DATABASE))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    asyncio.run(loading.load_demo(url, MEASURES, 1))

    async def facts() -> tuple[str, str]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            item = await pool.fetchval(
                "SELECT id::text FROM measures WHERE review_state = 'published' LIMIT 1"
            )
            _, secret = await create_key(pool, "Flood Partner", "partner")
        finally:
            await pool.close()
        return item, secret

    item, secret = asyncio.run(facts())
    with served(url) as (base, _):
        yield Server(base, f"{ITEMS}/{item}", {"Authorization": f"Bearer {secret}"})


def touches_filter(vertices: int = 1000) -> str:
    """`S_TOUCHES` against a circle of `vertices` vertices over Gelsenkirchen."""
    ring = [
        (
            7.08 + 0.03 * math.cos(2 * math.pi * i / (vertices - 1)),
            51.53 + 0.02 * math.sin(2 * math.pi * i / (vertices - 1)),
        )
        for i in range(vertices - 1)
    ]
    ring.append(ring[0])
    coords = ",".join(f"{x:.6f} {y:.6f}" for x, y in ring)
    return f"S_TOUCHES(geometry,POLYGON(({coords})))"


def big_feature(vertices: int = 10_000) -> bytes:
    """A 9,999-point multipoint cistern in Gelsenkirchen (about 300 kB)."""
    points = [[7.05 + (i % 100) * 1e-4, 51.52 + (i // 100) * 1e-4] for i in range(vertices - 1)]
    return orjson.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "MultiPoint", "coordinates": points},
            "properties": {"type": "cistern", "title": "Zisterne", "status": "planned"},
        }
    )


@dataclass
class Probe:
    seconds: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.seconds, n=20)[-1]


def probe_sync(base: str, path: str, until: float, headers: dict[str, str] | None) -> Probe:
    """Single-item requests one after another until `until`, each timed (own client)."""
    found = Probe()
    with httpx.Client(base_url=base, timeout=30, headers=headers) as http:
        while time.monotonic() < until:
            started = time.monotonic()
            response = http.get(path)
            found.seconds.append(time.monotonic() - started)
            found.statuses[response.status_code] += 1
            time.sleep(0.05)
    return found


async def probe(base: str, path: str, until: float, headers=None) -> Probe:  # type: ignore[no-untyped-def]
    """`probe_sync` in a thread: the flood's client loop does not delay its timing."""
    return await asyncio.to_thread(probe_sync, base, path, until, headers)


async def loop(until: float, send, statuses: Counter[int]) -> None:  # type: ignore[no-untyped-def]
    """Send one request after another until `until`, counting the answers."""
    while time.monotonic() < until:
        try:
            response = await send()
            statuses[response.status_code] += 1
        except httpx.TransportError:
            # A connection the server dropped or that timed out: counted as shed.
            statuses[0] += 1


def client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base,
        timeout=30,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
    )


async def test_one_address_flooding_heavy_filters_is_shed_while_its_items_stay_fast(
    server: Server,
) -> None:
    flood: Counter[int] = Counter()
    url = str(httpx.URL(ITEMS, params={"filter": touches_filter(), "filter-lang": "cql2-text"}))
    async with client(server.base) as http:
        until = time.monotonic() + FLOOD_S
        tasks = [loop(until, lambda: http.get(url), flood) for _ in range(24)]
        found, *_ = await asyncio.gather(probe(server.base, server.item, until), *tasks)
    shed = flood[429] + flood[503]
    print(f"\nheavy flood: {dict(flood)}; items {dict(found.statuses)}, p95 {found.p95:.3f} s")
    assert shed > 0, flood
    assert set(flood) <= {0, 200, 429, 503}, flood
    assert found.statuses[200] == sum(found.statuses.values()), found.statuses
    assert found.p95 < 1.0, found.seconds


async def test_big_impact_bodies_leave_single_items_fast(server: Server) -> None:
    flood: Counter[int] = Counter()
    body = big_feature()
    headers = {"Content-Type": "application/geo+json"}
    async with client(server.base) as http:
        until = time.monotonic() + FLOOD_S
        tasks = [
            loop(until, lambda: http.post("/impact", content=body, headers=headers), flood)
            for _ in range(12)
        ]
        found, *_ = await asyncio.gather(probe(server.base, server.item, until), *tasks)
    print(f"\n/impact flood: {dict(flood)}; items {dict(found.statuses)}, p95 {found.p95:.3f} s")
    assert set(flood) <= {200, 429, 503}, flood
    assert found.statuses[200] == sum(found.statuses.values()), found.statuses
    assert found.p95 < 1.0, found.seconds


async def first_byte(
    http: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> tuple[int, float]:
    """The status of a download and the seconds until its first body byte."""
    started = time.monotonic()
    async with http.stream("GET", path, headers=headers) as response:
        async for _ in response.aiter_bytes():
            return response.status_code, time.monotonic() - started
        return response.status_code, time.monotonic() - started


async def test_a_partner_keeps_its_reads_and_exports_under_anonymous_floods(
    server: Server,
) -> None:
    url = str(httpx.URL(ITEMS, params={"filter": touches_filter(), "filter-lang": "cql2-text"}))
    export = f"{ITEMS}?f=csv&municipality={GELSENKIRCHEN}"
    async with client(server.base) as anonymous, client(server.base) as partner:
        for name, send in (
            ("filters", lambda: anonymous.get(url)),
            ("exports", lambda: anonymous.get(f"{ITEMS}?f=csv")),
        ):
            flood: Counter[int] = Counter()
            until = time.monotonic() + FLOOD_S / 2
            tasks = [loop(until, send, flood) for _ in range(12)]
            await asyncio.sleep(1)  # the floods hold what they can get

            async def partner_export() -> tuple[int, float]:
                await asyncio.sleep(2)
                return await first_byte(partner, export, server.partner)

            found, (status, seconds), *_ = await asyncio.gather(
                probe(server.base, server.item, until, server.partner), partner_export(), *tasks
            )
            print(
                f"\nanonymous {name}: {dict(flood)}; partner items {dict(found.statuses)}, "
                f"p95 {found.p95:.3f} s; partner export {status} first byte {seconds:.2f} s"
            )
            assert found.statuses[200] == sum(found.statuses.values()), found.statuses
            assert found.p95 < 1.0, found.seconds
            assert status == 200
            assert seconds < 2.0
