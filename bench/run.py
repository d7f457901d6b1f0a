"""Throughput of the registry's read path at scale (`make bench`).

Creates database `klimawerk_bench` on the configured server (the embedded cluster or
DATABASE_URL), loads N demo measures (default 1,000,000), serves it with one worker
and drives each query with wrk. Prints a table; `--json FILE` keeps the figures.
For the side-by-side comparison with tipg and pygeoapi use the shared peerbench.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from app.config import get_settings
from app.services import loading

DATABASE = "klimawerk_bench"
BBOX = "7.00,51.44,7.02,51.455"  # a neighbourhood in Essen, as in peerbench
QUERIES = {
    "bbox100": "/collections/measures/items?bbox={bbox}&limit=100",
    "bbox100_filter": "/collections/measures/items?bbox={bbox}&limit=100&filter=area_m2%20%3E%2050",
    "item": "/collections/measures/items/{item}",
    "tile14": "/collections/measures/tiles/WebMercatorQuad/14/8511/5451",
    "tile10": "/collections/measures/tiles/WebMercatorQuad/10/531/340",
    "page1000": "/collections/measures/items?limit=1000",
    "statistics": "/statistics",
    "statistics_city": "/statistics?municipality=05513000&f=csv",
}


def database_url(name: str) -> str:
    """The configured server (DATABASE_URL or the embedded cluster) with another database."""
    return get_settings().dsn_of(name)


async def prepare(count: int, seed: int) -> str:
    admin = await asyncpg.connect(database_url("postgres"))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await admin.close()
    url = database_url(DATABASE)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        await conn.close()
    return url


async def settle(url: str) -> None:
    """Measure the steady state: statistics and visibility map up to date, no stale tiles."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM (ANALYZE) measures")
        await conn.execute("TRUNCATE response_cache")
    finally:
        await conn.close()


def wrk(url: str, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": float(p50.group(1)) * unit[p50.group(2)],
        "p99_ms": float(p99.group(1)) * unit[p99.group(2)],
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--port", type=int, default=8290)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk (make bench installs it)")

    url = asyncio.run(prepare(args.count, args.seed))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    started = time.perf_counter()
    result = asyncio.run(loading.load_demo(url, args.count, args.seed))
    load_s = time.perf_counter() - started
    print(
        f"demo: {args.count:,} measures "
        + ("already loaded" if result.skipped else f"loaded in {load_s:.1f} s")
    )

    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "serve", "--port", str(args.port)],
        env={**os.environ, "DATABASE_URL": url},
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        first = httpx.get(f"{base}/collections/measures/items", params={"limit": 1}).json()
        item = first["features"][0]["id"]
        results = {}
        for name, path in QUERIES.items():
            target = base + path.format(bbox=BBOX, item=item)
            wrk(target, 1)  # warm-up
            results[name] = wrk(target, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"{'query':16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:16} {r['rps']:9.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['non2xx']:7d}")
    if args.json:
        args.json.write_text(json.dumps({"count": args.count, "results": results}, indent=2))


if __name__ == "__main__":
    main()
