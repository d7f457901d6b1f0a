"""Point-in-time recovery from the WAL archive, and readiness while the primary is gone:
on the topology of `make run-cluster`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
import shapely

from app.db.cluster import Cluster
from tests.cluster.conftest import klimawerk
from tests.servers import free_port

pytestmark = pytest.mark.slow


def _bad_import(path: Path, n: int) -> Path:
    roofs = [shapely.box(7.1 + i * 1e-4, 51.52, 7.10005 + i * 1e-4, 51.52005) for i in range(n)]
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(roof),
            "properties": {"type": "green_roof_extensive", "title": f"Falsch {i}"},
        }
        for i, roof in enumerate(roofs)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


async def _measures(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET TimeZone = 'UTC'")
        rows = await conn.fetch("SELECT id, md5(m::text) AS content FROM measures m")
    finally:
        await conn.close()
    return {r["id"]: r["content"] for r in rows}


def test_recovery_to_a_moment_before_a_bad_import(
    clusters: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, _ = clusters
    made = klimawerk(primary, "db", "basebackup")
    assert "base backup" in made, made
    # Work after the base backup comes back from the archived WAL.
    primary.psql("klimawerk", "UPDATE measures SET title = title || ' (geprüft)' WHERE id IN "
                 "(SELECT id FROM measures ORDER BY id LIMIT 100)")  # fmt: skip
    good = asyncio.run(_measures(primary.url))
    time.sleep(1.1)
    moment = primary.psql("postgres", "SELECT to_json(now())::text").strip('"')
    time.sleep(1.1)
    imported = klimawerk(primary, "import", str(_bad_import(tmp_path / "bad.geojson", 40)),
                         "--partner", "Falschimport")  # fmt: skip
    assert "imported 40 measures" in imported
    assert len(asyncio.run(_measures(primary.url))) == len(good) + 40

    port = free_port()
    # Beside the clusters: the server's user must reach it (pytest's tmp is root's own).
    into = primary.data_dir / "recovered"
    recovered = klimawerk(primary, "db", "recover", "--to", moment, "--into", str(into),
                          "--port", str(port))  # fmt: skip
    assert f":{port}/" in recovered, recovered
    copy = Cluster(into, port)
    try:
        assert asyncio.run(_measures(copy.url)) == good
    finally:
        copy.stop()


def test_recover_refuses_times_without_a_zone_or_before_any_backup(
    clusters: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, _ = clusters
    into = str(primary.data_dir / "never")
    cases = {
        "2026-12-06 10:00": "zone",
        "gestern": "ISO 8601",
        "": "ISO 8601",
        "٢٠٢٦-12-06T10:00Z": "ISO 8601",
        "9" * 5000: "ISO 8601",
        "2000-01-01T00:00Z": "no base backup",
    }
    for when, says in cases.items():
        result = _run(primary, "db", "recover", "--to", when, "--into", into, "--port", "55999")
        assert result.returncode in (1, 2), result
        assert says in result.stdout + result.stderr and "Traceback" not in result.stderr
    for port in ("0", "-1", "²", "٥٥٩٩٩", "55_999", "", "1" * 5000, str(primary.port)):
        result = _run(primary, "db", "recover", "--to", "2026-12-06T10:00Z", "--into", into,
                      "--port", port)  # fmt: skip
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result
    assert not Path(into).exists()


def _run(primary: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(DATA_DIR=str(primary.data_dir), EMBEDDED_PORT=str(primary.port), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True
    )


async def test_ready_follows_the_primary_while_live_stays_up(
    clusters: tuple[Cluster, Cluster], client: httpx.AsyncClient
) -> None:
    primary, _ = clusters
    assert (await client.get("/health/ready")).status_code == 200
    await asyncio.to_thread(primary.stop)
    try:
        ready = await client.get("/health/ready")
        assert ready.status_code == 503, ready.text
        assert ready.headers["content-type"] == "application/problem+json"
        assert "127.0.0.1" not in ready.text and str(primary.port) not in ready.text
        assert (await client.get("/health/live")).status_code == 200
    finally:
        await asyncio.to_thread(primary.start)
    for _ in range(50):
        if (await client.get("/health/ready")).status_code == 200:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("/health/ready did not come back after the primary did")
    assert (await client.get("/health/live")).status_code == 200
