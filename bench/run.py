"""Throughput of the registry's read path at scale (`make bench`).

Creates database `klimawerk_bench` on the configured server (the embedded cluster or
DATABASE_URL), loads N demo measures (default 1,000,000), serves it with one worker
and drives each query with wrk. Prints a table; `--json FILE` keeps the figures.
For the side-by-side comparison with tipg and pygeoapi see bench/peers.py.
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
from app.db.databases import create_database
from app.services import loading
from bench import UNLIMITED, suggestions

DATABASE = "klimawerk_bench"
BBOX = "7.00,51.44,7.02,51.455"  # a neighbourhood in Essen, as in bench/peers.py
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
# Statistics as the first request after a write sees them: the data version bumped
# before every request, so each one computes its answer.
UNCACHED = {
    "stats_region_uncached": "/statistics",
    "stats_city_uncached": "/statistics?municipality=05513000",
    "stats_filter_uncached": "/statistics?type=swale,cistern&status=completed&year=2023",
    # CQL2 is not among the kept sums' dimensions: this one scans the measures.
    "stats_cql2_uncached": "/statistics?filter=area_m2%20%3E%20100",
}


async def settle(url: str) -> None:
    """Measure the steady state: statistics and visibility map up to date, no stale tiles."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM (ANALYZE) measures")
        await conn.execute("UPDATE data_version SET version = version + 1")
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


async def uncached(base: str, url: str, path: str, repeats: int) -> dict[str, float]:
    """Latency of `path` with an empty response cache before each request."""
    conn = await asyncpg.connect(url)
    times = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(repeats + 2):
                # A new data version: every process's kept bodies are stale.
                await conn.execute("UPDATE data_version SET version = version + 1")
                started = time.perf_counter()
                response = await client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
    finally:
        await conn.close()
    times = sorted(times[2:])  # the first two warm the connections
    return {
        "rps": 1000 * len(times) / sum(times),
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[max(0, int(len(times) * 0.99) - 1)],
        "non2xx": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--port", type=int, default=8290)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--only",
        choices=["all", "statistics", "suggestions"],
        default="all",
        help="statistics: uncached only; suggestions: the search box only",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk (make bench installs it)")

    url = asyncio.run(create_database(get_settings(), DATABASE))
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
        env={**os.environ, "DATABASE_URL": url, **UNLIMITED},
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
        for name, path in QUERIES.items() if args.only == "all" else ():
            target = base + path.format(bbox=BBOX, item=item)
            wrk(target, 1)  # warm-up
            results[name] = wrk(target, args.seconds)
        asyncio.run(settle(url))
        for name, path in UNCACHED.items() if args.only in ("all", "statistics") else ():
            results[name] = asyncio.run(uncached(base, url, path, repeats=50))
        if args.only in ("all", "suggestions"):
            # Each typed text once (no cache answers it): p95 is the figure to hold < 50 ms.
            results["suggest_typed"] = asyncio.run(suggestions.measure(base, url))
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"{'query':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:24} {r['rps']:9.1f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['non2xx']:7d}")
    if "suggest_typed" in results:
        r = results["suggest_typed"]
        print(f"suggestions: {r['requests']} typed texts, p95 {r['p95_ms']:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps({"count": args.count, "results": results}, indent=2))


if __name__ == "__main__":
    main()
