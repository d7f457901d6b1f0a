"""Figures of the replicated topology (`make bench-cluster`): req/s of a bbox page, a
single measure and a z14 tile with one worker and with one worker per core, with reads
on the replica, through nginx (tile hit rate of a panning map); replication lag while
`klimawerk import` stores 100,000 features.

Needs the embedded primary and its replica (`klimawerk db start --replica`); creates
databases `klimawerk_bench_cluster` and `klimawerk_bench_import` on the primary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import morecantile

from app.config import get_settings
from app.db.cluster import embedded_cluster
from app.db.databases import create_database
from app.services import loading, proxy
from bench import UNLIMITED
from bench.run import BBOX, wrk

DATABASE, IMPORT_DATABASE = "klimawerk_bench_cluster", "klimawerk_bench_import"
API_PORT, PROXY_PORT = 8166, 8167
TILE = "/collections/measures/tiles/WebMercatorQuad/14/8511/5451"


def with_database(url: str, name: str) -> str:
    """The URL (possibly multi-host, with a query) with another database name."""
    head, _, tail = url.partition("?")
    return head.rsplit("/", 1)[0] + f"/{name}" + (f"?{tail}" if tail else "")


def serve(workers: int, env: dict[str, str]) -> subprocess.Popen:
    command = ["serve", "--port", str(API_PORT), "--workers", str(workers)]
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", *command],
        env={**os.environ, **env, **UNLIMITED},
    )
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{API_PORT}/health", timeout=1).is_success:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the API did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=20)


def throughput(base: str, item: str, seconds: int) -> dict[str, dict[str, float]]:
    paths = {
        "bbox100": f"/collections/measures/items?bbox={BBOX}&limit=100",
        "item": f"/collections/measures/items/{item}",
        "tile14": TILE,
    }
    out = {}
    for name, path in paths.items():
        wrk(base + path, 1)
        out[name] = wrk(base + path, seconds)
    return out


def pan_tiles(count: int, seed: int) -> list[str]:
    """Tile URLs a panning map asks for: z13-z15 around the region's cities, repeated."""
    tms = morecantile.tms.get("WebMercatorQuad")
    rng = random.Random(seed)
    centres = [(7.01, 51.45), (7.10, 51.52), (7.46, 51.51), (6.76, 51.43), (7.21, 51.48)]
    urls = []
    for _ in range(count):
        lon, lat = rng.choice(centres)
        z = rng.choice((13, 14, 15))
        tile = tms.tile(lon + rng.gauss(0, 0.02), lat + rng.gauss(0, 0.015), z)
        urls.append(f"/collections/measures/tiles/WebMercatorQuad/{z}/{tile.x}/{tile.y}")
    return urls


def hit_rate(base: str, urls: list[str]) -> float:
    hits = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for url in urls:
            hits += client.get(url).headers.get("x-cache-status") == "HIT"
    return hits / len(urls)


async def sample_lag(primary: str, samples: list[dict[str, float]], done: asyncio.Event) -> None:
    conn = await asyncpg.connect(primary)
    try:
        while not done.is_set():
            row = await conn.fetchrow(
                "SELECT extract(epoch FROM replay_lag)::float8 AS lag_s,"
                " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS behind_bytes"
                " FROM pg_stat_replication LIMIT 1"
            )
            if row:
                samples.append({"lag_s": row["lag_s"] or 0.0, "behind": row["behind_bytes"]})
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def import_lag(primary: str, source: str) -> dict[str, float]:
    """Replication lag while `klimawerk import` stores the published measures of `source`
    (exported as GeoJSON) in a new database."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "measures.geojson"
        env = {**os.environ, "DATABASE_URL": source}
        export = ["export", "--all", "--format", "geojson", "-o", str(path)]
        # Nothing else runs on the loop yet: the export must finish before the import.
        await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "app.cli.main", *export], env=env, check=True
        )
        target = await create_database(get_settings(), IMPORT_DATABASE, replace=True)
        await asyncio.to_thread(loading.migrate, target)  # alembic runs a loop of its own
        await loading.load_boundaries(target)
        samples: list[dict[str, float]] = []
        done = asyncio.Event()
        sampler = asyncio.create_task(sample_lag(primary, samples, done))
        started = time.perf_counter()
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli.main", "import", str(path), "--partner", "Bench"],
            env={**os.environ, "DATABASE_URL": target},
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        await asyncio.sleep(1)
        done.set()
        await sampler
        conn = await asyncpg.connect(target)
        count = await conn.fetchval("SELECT count(*) FROM measures")
        await conn.close()
    lags = sorted(s["lag_s"] for s in samples)
    return {
        "features": count,
        "import_s": round(seconds, 1),
        "lag_max_s": round(lags[-1], 3) if lags else 0.0,
        "lag_p50_s": round(lags[len(lags) // 2], 3) if lags else 0.0,
        "behind_max_mb": round(max(s["behind"] for s in samples) / 1e6, 1) if samples else 0.0,
    }


async def vacuum(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE measures")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["all", "throughput", "import"], default="all")
    args = parser.parse_args()
    settings = get_settings()
    cluster = embedded_cluster(settings)
    replica = cluster.replica()
    if not replica.is_running():
        sys.exit("start the replica first: klimawerk db start --replica")
    url = asyncio.run(create_database(settings, DATABASE))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    asyncio.run(loading.load_demo(url, args.count, 1))
    asyncio.run(vacuum(url))
    time.sleep(2)  # replayed
    primary_url = with_database(cluster.failover_url, DATABASE)
    replica_url = with_database(replica.url, DATABASE)
    cores = os.cpu_count() or 1
    base = f"http://127.0.0.1:{API_PORT}"
    results: dict[str, object] = {"count": args.count, "cores": cores}

    runs = {
        "primary, 1 worker": (1, {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": ""}),
        f"primary, {cores} workers": (
            cores,
            {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": ""},
        ),
        f"replica reads, {cores} workers": (
            cores,
            {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": replica_url},
        ),
    }
    for name, (workers, env) in runs.items() if args.only != "import" else ():
        server = serve(workers, env)
        try:
            first = httpx.get(f"{base}/collections/measures/items", params={"limit": 1}).json()
            results[name] = throughput(base, first["features"][0]["id"], args.seconds)
            print(name, json.dumps(results[name]), flush=True)
            if name.startswith("replica"):
                run_dir = settings.data_dir / "nginx-bench"
                proxy.start(run_dir, f"127.0.0.1:{PROXY_PORT}", [f"127.0.0.1:{API_PORT}"])
                try:
                    nginx = f"http://127.0.0.1:{PROXY_PORT}"
                    wrk(nginx + TILE, 1)
                    results["nginx, tile14"] = wrk(nginx + TILE, args.seconds)
                    results["nginx, pan hit rate"] = round(hit_rate(nginx, pan_tiles(2000, 1)), 3)
                finally:
                    proxy.stop(run_dir)
        finally:
            stop(server)
    if args.only != "throughput":
        results["import lag"] = asyncio.run(import_lag(cluster.url, url))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
