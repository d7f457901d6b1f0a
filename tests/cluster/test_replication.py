"""Reads on the replica, writes on the primary, and what happens when either goes away."""

from __future__ import annotations

import asyncio
import copy
import time

import asyncpg
import httpx
import morecantile
from fastapi import FastAPI
from shapely.geometry import Point

from app.db.cluster import Cluster
from tests.cluster.conftest import MAX_AGE_S, commits, klimawerk
from tests.factories import insert_measure

ITEMS = "/collections/measures/items"
ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.1003, 51.52], [7.1003, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
    ],
}
READS = [
    f"{ITEMS}?bbox=7.0,51.4,7.2,51.6&limit=20",
    "/collections/measures/tiles/WebMercatorQuad/12/2128/1363",
    "/statistics?municipality=05513000",
    "/collections",
]


def roof(title: str) -> dict:
    properties = {"type": "green_roof_extensive", "title": title, "status": "planned"}
    return {"type": "Feature", "geometry": copy.deepcopy(ROOF), "properties": properties}


async def read_round(client: httpx.AsyncClient, rounds: int) -> list[int]:
    return [(await client.get(READS[i % len(READS)])).status_code for i in range(rounds)]


async def test_writes_land_on_the_primary_and_anonymous_reads_on_the_replica(
    clusters: tuple[Cluster, Cluster],
    client: httpx.AsyncClient,
    partner: dict[str, str],
    app: FastAPI,
) -> None:
    primary, replica = clusters
    created = await client.post(ITEMS, json=roof("Gründach Replik"), headers=partner)
    assert created.status_code == 201
    measure_id = created.json()["id"]
    conn = await asyncpg.connect(primary.url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM measures WHERE id = $1", measure_id) == 1
    finally:
        await conn.close()

    replica_before, primary_before = (
        await commits(replica.url, app),
        await commits(primary.url, app),
    )
    assert all(s == 200 for s in await read_round(client, 100))
    replica_reads = await commits(replica.url, app) - replica_before
    primary_reads = await commits(primary.url, app) - primary_before
    assert replica_reads >= 100
    assert primary_reads < 40  # replica checks and the counting itself, not the reads


async def test_a_partner_reads_its_own_writes_in_100_rounds(
    client: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    for i in range(100):
        created = await client.post(ITEMS, json=roof(f"Runde {i}"), headers=partner)
        assert created.status_code == 201, created.text
        location = created.headers["location"].removeprefix("http://testserver")
        read = await client.get(location, headers=partner)
        assert read.status_code == 200
        assert read.json()["properties"]["title"] == f"Runde {i}"
        assert read.headers["cache-control"] == "private, no-store"


async def test_a_stopped_replica_costs_no_request_and_is_used_again(
    clusters: tuple[Cluster, Cluster], client: httpx.AsyncClient, app: FastAPI
) -> None:
    primary, replica = clusters
    statuses: list[int] = []
    done = asyncio.Event()

    async def traffic() -> None:
        while not done.is_set():
            statuses.extend(await read_round(client, 4))

    readers = [asyncio.create_task(traffic()) for _ in range(4)]
    try:
        await asyncio.sleep(0.5)
        await asyncio.to_thread(klimawerk, primary, "db", "stop", "--replica")
        await asyncio.sleep(1.0)
        health = (await client.get("/health")).json()
        assert health["status"] == "degraded"
        assert health["databases"][1]["state"] == "down"
        await asyncio.to_thread(klimawerk, primary, "db", "start", "--replica")
        for _ in range(50):
            if (await client.get("/health")).json()["status"] == "ok":
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
    finally:
        done.set()
        await asyncio.gather(*readers)
    assert statuses and all(s < 500 for s in statuses), sorted(set(statuses))
    assert app.state.databases.replicas[0].state == "ok"

    before = await commits(replica.url, app)
    assert all(s == 200 for s in await read_round(client, 40))
    assert await commits(replica.url, app) - before >= 40


async def test_a_lagging_replica_is_skipped_until_it_catches_up(
    clusters: tuple[Cluster, Cluster], client: httpx.AsyncClient, app: FastAPI
) -> None:
    primary, replica = clusters
    databases = app.state.databases
    databases.max_lag_s = 1.0
    standby = await asyncpg.connect(replica.url)
    writer = await asyncpg.connect(primary.url)
    try:
        await standby.execute("SELECT pg_wal_replay_pause()")
        row = await insert_measure(writer, Point(7.1, 51.52).buffer(0.0002), title="Neu")
        for _ in range(50):
            if databases.replicas[0].state == "lagging":
                break
            await asyncio.sleep(0.2)
        health = (await client.get("/health")).json()
        assert health["status"] == "degraded"
        assert health["databases"][1]["state"] == "lagging"
        # Served by the primary: the replica has not replayed this measure yet.
        assert (await client.get(f"{ITEMS}/{row['id']}")).status_code == 200

        await standby.execute("SELECT pg_wal_replay_resume()")
        for _ in range(50):
            if databases.replicas[0].state == "ok":
                break
            await asyncio.sleep(0.2)
        assert (await client.get("/health")).json()["status"] == "ok"
    finally:
        databases.max_lag_s = 5.0
        await standby.execute("SELECT pg_wal_replay_resume()")
        await standby.close()
        await writer.close()


def _tile_of(lon: float, lat: float) -> str:
    tile = morecantile.tms.get("WebMercatorQuad").tile(lon, lat, 14)
    return f"/collections/measures/tiles/WebMercatorQuad/14/{tile.x}/{tile.y}"


async def test_nginx_serves_repeated_tiles_from_its_cache_and_revalidates_after_a_write(
    clusters: tuple[Cluster, Cluster], proxied: str
) -> None:
    primary, _ = clusters
    untouched, touched = (7.1001, 51.5201), (7.0501, 51.4501)
    pool = await asyncpg.create_pool(primary.url, min_size=1, max_size=1)
    async with pool.acquire() as conn:
        for lon, lat in (untouched, touched):
            await insert_measure(conn, Point(lon, lat).buffer(0.0002), title="Kachel")
    await asyncio.sleep(0.5)  # replayed by the replica
    async with httpx.AsyncClient(base_url=proxied) as http:
        first = await http.get(_tile_of(*untouched))
        again = await http.get(_tile_of(*untouched))
        assert first.status_code == again.status_code == 200
        assert again.headers["x-cache-status"] == "HIT"
        assert again.content == first.content
        conditional = await http.get(
            _tile_of(*untouched), headers={"If-None-Match": first.headers["etag"]}
        )
        assert conditional.status_code == 304
        before_write = await http.get(_tile_of(*touched))

        async with pool.acquire() as conn:
            await insert_measure(conn, Point(*touched).buffer(0.0003), title="Neu")
        # The cached copies expire (nginx counts whole seconds).
        await asyncio.sleep(MAX_AGE_S + 1.5)

        revalidated = await http.get(_tile_of(*untouched))
        assert revalidated.headers["x-cache-status"] == "REVALIDATED"  # the API said 304
        assert revalidated.headers["etag"] == first.headers["etag"]
        changed = await http.get(_tile_of(*touched))
        assert changed.headers["x-cache-status"] in ("EXPIRED", "MISS")
        assert changed.headers["etag"] != before_write.headers["etag"]
    await pool.close()


async def test_after_a_promotion_writes_succeed_again_and_nothing_acknowledged_is_lost(
    clusters: tuple[Cluster, Cluster], client: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    primary, replica = clusters
    acknowledged = []
    for i in range(20):
        created = await client.post(ITEMS, json=roof(f"vor dem Umschalten {i}"), headers=partner)
        assert created.status_code == 201
        acknowledged.append(created.json()["id"])

    await asyncio.to_thread(primary.stop)  # the primary fails (a clean shutdown: WAL sent)
    await asyncio.to_thread(klimawerk, primary, "db", "promote")
    promoted_at = time.monotonic()
    statuses = []
    while time.monotonic() - promoted_at < 15:
        response = await client.post(ITEMS, json=roof("nach dem Umschalten"), headers=partner)
        statuses.append(response.status_code)
        if response.status_code == 201:
            acknowledged.append(response.json()["id"])
            break
        await asyncio.sleep(0.2)
    assert statuses[-1] == 201, statuses
    assert time.monotonic() - promoted_at < 5
    assert all(s in (201, 503) for s in statuses), statuses

    conn = await asyncpg.connect(replica.url)
    try:
        present = await conn.fetchval(
            "SELECT count(*) FROM measures WHERE id = ANY($1::uuid[])", acknowledged
        )
    finally:
        await conn.close()
    assert present == len(acknowledged)
    status = klimawerk(primary, "db", "status", "--replica", check=False)
    assert "database not reachable" in status and "replica role: primary (promoted)" in status
