"""Soak test (`make soak`): mixed clients against a real server, the database crashed midway.

For SOAK_SECONDS (default 60) readers, writers (partner keys creating and patching
measures; every acknowledged write is recorded) and abusive clients (deep filters,
huge limits, downloads that are never read, uncached cluster tiles) run against a
server with two workers on a PostgreSQL cluster of its own (`.data/soak`, port
EMBEDDED_PORT + 5), which is restarted with `pg_ctl restart -m immediate` halfway.
Afterwards every acknowledged write must be present, no unacknowledged write may be
half-stored, no answer may be a 5xx other than 503, and the p99 of normal reads is
reported. Exit status 1 when a check fails; `--json FILE` keeps the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import asyncpg
import httpx

from app.auth.keys import new_key
from app.config import Settings, get_settings
from app.db.cluster import Cluster, find_pg_bin
from app.db.databases import create_database
from app.services import loading
from app.sql import keys
from bench.overload import get_status, open_stalled

DATABASE = "klimawerk_soak"
PORT_OFFSET = 5
DEMO_MEASURES = 5000
READS = (
    "/collections/measures/items?limit=20&bbox=7.0,51.4,7.1,51.5",
    "/collections/measures/items?limit=50&type=green_roof_extensive&status=completed",
    "/collections/measures/tiles/WebMercatorQuad/14/8511/5451",
    "/statistics?municipality=05513000",
    "/collections",
)


@dataclass
class Write:
    """What a writer tried: create, or patch to `cost`; and whether it was acknowledged."""

    measure_id: str
    acknowledged: bool
    cost: float | None = None  # None: the create


@dataclass
class Soak:
    """Everything the clients saw."""

    statuses: Counter[str] = field(default_factory=Counter)  # "client:status"
    bad: list[str] = field(default_factory=list)  # 5xx other than 503, with the URL
    read_seconds: list[float] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    created_unacknowledged: list[str] = field(default_factory=list)  # titles
    outage_s: float = 0.0

    def note(self, client: str, status: int, what: str) -> None:
        self.statuses[f"{client}:{status}"] += 1
        if status >= 500 and status != 503:
            self.bad.append(f"{status} {what}")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _roof(title: str) -> dict:
    lon = 7.05 + random.random() * 0.1
    lat = 51.50 + random.random() * 0.05
    ring = [[lon, lat], [lon + 2e-4, lat], [lon + 2e-4, lat + 1e-4], [lon, lat + 1e-4]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        "properties": {"type": "green_roof_extensive", "title": title, "status": "planned"},
    }


async def reader(base: str, soak: Soak, until: float, n: int) -> None:
    """Normal reads from many addresses; their latency is what the soak reports."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while time.monotonic() < until:
            path = random.choice(READS)
            headers = {"X-Forwarded-For": f"192.0.2.{random.randrange(1, 250)}"}
            started = time.monotonic()
            try:
                status = (await client.get(path, headers=headers)).status_code
            except httpx.HTTPError:
                status = 0
            soak.note("read", status, path)
            if status == 200:
                soak.read_seconds.append(time.monotonic() - started)
            await asyncio.sleep(0.02)


async def writer(base: str, secret: str, soak: Soak, until: float, n: int) -> None:
    """Create a measure, then patch its cost; every 2xx is an acknowledged write."""
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base, timeout=10, headers=headers) as client:
        serial = 0
        while time.monotonic() < until:
            serial += 1
            title = f"soak {n}-{serial} {uuid.uuid4()}"
            try:
                created = await client.post("/collections/measures/items", json=_roof(title))
                status = created.status_code
            except httpx.HTTPError:
                status = 0
            soak.note("write", status, "POST")
            if status != 201:
                soak.created_unacknowledged.append(title)
                await asyncio.sleep(0.2)
                continue
            measure_id = created.headers["location"].rstrip("/").rsplit("/", 1)[-1]
            soak.writes.append(Write(measure_id, True))
            etag = created.headers["etag"]
            for cost in (1000.0 + serial, 2000.0 + serial):
                try:
                    patched = await client.patch(
                        f"/collections/measures/items/{measure_id}",
                        json={"properties": {"cost_eur": cost}},
                        headers={"If-Match": etag},
                    )
                    status = patched.status_code
                except httpx.HTTPError:
                    status = 0
                soak.note("write", status, "PATCH")
                soak.writes.append(Write(measure_id, status == 200, cost))
                if status != 200:
                    break
                etag = patched.headers["etag"]


async def abuser(base: str, soak: Soak, until: float, n: int) -> None:
    """Hostile or careless requests: all must end in a 4xx, a 503 or a 200, never a 500."""
    deep = quote("(" * 100 + "area_m2 > 1" + ")" * 100)
    # The inputs that crashed the CQL2 parser in round 1 (SIGSEGV): now refused as 400s.
    crashing = [quote("(" * 2000 + "area_m2 > 1" + ")" * 2000), quote("NOT " * 5000 + "true")]
    wide = quote(" OR ".join(f"area_m2 = {i}" for i in range(500)))
    paths = [
        f"/collections/measures/items?filter={deep}",
        *(f"/collections/measures/items?filter={c}" for c in crashing),
        *(f"/statistics?filter={c}" for c in crashing),
        f"/collections/measures/items?filter={wide}",
        "/collections/measures/items?limit=10000&f=html",
        "/collections/measures/items?limit=99999999",
        "/collections/measures/items?f=gpkg",
        "/collections/measures/items?bbox=1e20,1e20,1e21,1e21",
    ]
    stalled: list[socket.socket] = []
    try:
        while time.monotonic() < until:
            if random.random() < 0.2:
                stalled.append(open_stalled(base, "/collections/measures/items?f=csv"))
                if len(stalled) > 4:
                    stalled.pop(0).close()
            path = random.choice(paths)
            if random.random() < 0.3:
                cql = quote(f"area_m2 > {random.random() * 100:.4f}")
                path = f"/collections/measures/tiles/WebMercatorQuad/9/265/170?filter={cql}"
            try:
                status = await asyncio.wait_for(get_status(base, path), 30)
            except (OSError, TimeoutError, IndexError, ValueError):
                status = 0
            soak.note("abuse", status, path)
            await asyncio.sleep(0.05)
    finally:
        for sock in stalled:
            sock.close()


def restart_immediately(cluster: Cluster) -> float:
    """`pg_ctl restart -m immediate` (a crash: no checkpoint); returns the seconds it took."""
    started = time.monotonic()
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    pg_ctl = str(find_pg_bin() / "pg_ctl")
    subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(cluster.pgdata),
            "-m",
            "immediate",
            "-w",
            "-t",
            "60",
            "-l",
            str(cluster.logfile),
            "restart",
        ],
        check=True,
        # Not captured: the restarted server would hold the pipe open.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


async def check_writes(url: str, soak: Soak) -> dict[str, int]:
    """Every acknowledged write present; nothing half-stored."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT m.id::text, m.cost_eur, m.version, m.title, m.municipality, m.area_m2,"
            "       m.feature IS NOT NULL AS has_feature,"
            "       (SELECT count(*) FROM measure_history h WHERE h.measure_id = m.id)"
            "         AS history"
            "  FROM measures m WHERE m.title LIKE 'soak %'"
        )
    finally:
        await conn.close()
    stored = {r["id"]: r for r in rows}
    missing = lost_patches = 0
    last: dict[str, list[Write]] = {}
    for w in soak.writes:
        last.setdefault(w.measure_id, []).append(w)
    for measure_id, attempts in last.items():
        row = stored.get(measure_id)
        if row is None:
            missing += 1
            continue
        acked = [w for w in attempts if w.acknowledged and w.cost is not None]
        if acked:
            # The value is the last acknowledged one, or a later attempt that was applied
            # although its answer was lost.
            later = attempts[attempts.index(acked[-1]) :]
            if row["cost_eur"] not in {w.cost for w in later}:
                lost_patches += 1
    half_stored = sum(
        1
        for r in rows
        if r["municipality"] is None
        or r["area_m2"] is None
        or not r["has_feature"]
        # The history keeps each earlier version: 1 .. version - 1.
        or r["history"] != r["version"] - 1
    )
    titles = {r["title"] for r in rows}
    return {
        "acknowledged_creates": sum(1 for w in soak.writes if w.cost is None),
        "acknowledged_patches": sum(
            1 for w in soak.writes if w.cost is not None and w.acknowledged
        ),
        "present_of_acknowledged_creates": len(last) - missing,
        "missing_creates": missing,
        "lost_patches": lost_patches,
        "unacknowledged_creates": len(soak.created_unacknowledged),
        "unacknowledged_creates_stored_whole": sum(
            1 for t in soak.created_unacknowledged if t in titles
        ),
        "half_stored": half_stored,
    }


async def prepare(cluster: Cluster) -> tuple[str, list[str]]:
    """The soak database (migrated, boundaries, demo measures) and three partner keys."""
    cluster.start()
    settings = Settings(database_url=cluster.url)
    url = await create_database(settings, DATABASE, replace=True)
    await asyncio.to_thread(loading.migrate, url)
    await loading.load_boundaries(url)
    await loading.load_demo(url, DEMO_MEASURES, 1)
    secrets = []
    conn = await asyncpg.connect(url)
    try:
        for n in range(3):
            key = new_key()
            await keys.create_key(conn, f"Soak partner {n}", "partner", [], key.prefix, key.digest)
            secrets.append(key.secret)
    finally:
        await conn.close()
    return url, secrets


def serve(url: str, port: int, log: Path) -> subprocess.Popen:
    """`klimawerk serve` with two workers and the default limits; its output to `log`."""
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_URL": ""}
    klimawerk = str(Path(sys.executable).parent / "klimawerk")
    command = [klimawerk, "serve", "--port", str(port), "--workers", "2"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the soak server did not start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run(seconds: float) -> dict[str, object]:
    """Run the soak; returns the figures (with `passed`)."""
    settings = get_settings()
    cluster = Cluster(settings.data_dir / "soak", settings.embedded_port + PORT_OFFSET)
    url, secrets = await prepare(cluster)
    port = _free_port()
    server = serve(url, port, cluster.data_dir / "server.log")
    base = f"http://127.0.0.1:{port}"
    soak = Soak()
    try:
        until = time.monotonic() + seconds
        clients = [reader(base, soak, until, n) for n in range(6)]
        clients += [writer(base, s, soak, until, n) for n, s in enumerate(secrets)]
        clients += [abuser(base, soak, until, n) for n in range(2)]
        crowd = asyncio.gather(*clients)
        await asyncio.sleep(seconds / 2)
        soak.outage_s = await asyncio.to_thread(restart_immediately, cluster)
        await crowd
        # The service must recover by itself.
        recovered = await get_status(base, READS[0]) == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    writes = await check_writes(url, soak)
    statuses = dict(sorted(soak.statuses.items()))
    passed = (
        recovered
        and not soak.bad
        and writes["missing_creates"] == 0
        and writes["lost_patches"] == 0
        and writes["half_stored"] == 0
    )
    return {
        "seconds": seconds,
        "restart_s": round(soak.outage_s, 2),
        "statuses": statuses,
        "bad_5xx": soak.bad[:20],
        "reads_ok": len(soak.read_seconds),
        "read_p50_ms": round(_p(soak.read_seconds, 0.50) * 1000, 1),
        "read_p99_ms": round(_p(soak.read_seconds, 0.99) * 1000, 1),
        **writes,
        "recovered": recovered,
        "passed": passed,
    }


def main() -> None:
    """`python -m bench.soak [--seconds N] [--json FILE]`"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = float(os.environ.get("SOAK_SECONDS", "60"))
    parser.add_argument("--seconds", type=float, default=default)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    result = asyncio.run(run(args.seconds))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
