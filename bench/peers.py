"""Side by side with tipg and pygeoapi on one `measures` table (`make bench-peers`).

Creates database `klimawerk_peers` on the configured server (the embedded cluster or
DATABASE_URL), loads N demo measures (default 200,000) and serves that same table with
this project, tipg and pygeoapi, one worker each. The peers run from a throwaway venv
(`.bench-venv`, made by `make bench-peers` from PyPI). Every server gets the same three
queries with wrk, interleaved; PostgreSQL alone answers equivalent SQL with pgbench,
which shows what the database itself costs. Prints the table `docs/benchmarks.md`
quotes; `--json FILE` keeps the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from app.api.measure_query import measure_queryables
from app.config import get_settings
from app.db.cluster import find_pg_bin
from app.db.databases import create_database
from app.services import loading
from bench import UNLIMITED
from bench.run import wrk

DATABASE = "klimawerk_peers"
PEER_VENV = Path(".bench-venv")
# A neighbourhood in Essen (about 1.4 km x 1.7 km) and the z14 tile over it, as in run.py.
BBOX = (7.00, 51.44, 7.02, 51.455)
TILE = (14, 8511, 5451)
QUERIES = ("bbox100", "item", "tile14")


def start(
    name: str, cmd: list[str], env: dict[str, str], probe: str, logs: Path
) -> subprocess.Popen:
    """Start one server and wait until `probe` answers 200."""
    log = (logs / f"{name}.log").open("w")
    process = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            if httpx.get(probe, timeout=5).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"{name} did not come up; see {logs / name}.log")


def client_properties() -> list[str]:
    """The properties this project returns; the peers are configured to return the same,
    not the cached Feature text and Web Mercator geometry the table also holds."""
    return [name for name in measure_queryables() if name not in ("id", "geometry")]


def pygeoapi_config(url: str, port: int, folder: Path) -> dict[str, str]:
    """A pygeoapi configuration serving `measures` from `url`; returns its environment."""
    db = urlsplit(url)
    config = folder / "pygeoapi.yml"
    config.write_text(f"""server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 100, max_items: 10000}}
  map: {{url: "http://127.0.0.1/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
    terms_of_service: none, url: "http://example.org"}}
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "http://example.org"}}
  contact: {{name: bench, position: bench, address: x, city: x, stateorprovince: x,
    postalcode: x, country: x, phone: x, fax: x, email: x@example.org,
    url: "http://example.org", hours: x, instructions: x, role: pointOfContact}}
resources:
  measures:
    type: collection
    title: measures
    description: measures
    keywords: [measures]
    extents:
      spatial: {{bbox: [6.6, 51.3, 7.8, 51.9], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: {db.hostname}, port: {db.port or 5432}, dbname: {db.path.lstrip("/")},
          user: {db.username or "postgres"}, password: "{db.password or ""}",
          search_path: [public]}}
        id_field: id
        table: measures
        geom_field: geom
        properties: {json.dumps(client_properties())}
""")
    openapi = folder / "openapi.yml"
    subprocess.run(
        [PEER_VENV / "bin" / "pygeoapi", "openapi", "generate", config, "--output-file", openapi],
        check=True,
        capture_output=True,
    )
    return {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}


def database_sql(item_id: str) -> dict[str, str]:
    """What the database alone does for each query: the same rows as GeoJSON or MVT."""
    envelope = "ST_MakeEnvelope({},{},{},{},4326)".format(*BBOX)
    columns = ", ".join(["id", "geom", *client_properties()])
    feature = (
        "json_build_object('type','Feature','id',id,'geometry',ST_AsGeoJSON(geom,6)::json,"
        "'properties',to_jsonb(m) - 'geom' - 'id')"
    )
    return {
        "bbox100": (
            "select json_build_object('type','FeatureCollection','numberMatched',"
            f"(select count(*) from measures where geom && {envelope}),"
            f"'features',coalesce(json_agg({feature}),'[]'))::text"
            f" from (select {columns} from measures"
            f" where geom && {envelope} order by id limit 100) m;"
        ),
        "item": (
            f"select {feature}::text from (select {columns} from measures"
            f" where id = '{item_id}') m;"
        ),
        "tile14": (
            "with b as (select ST_TileEnvelope({},{},{}) e), t as (select ST_AsMVTGeom("
            "ST_Transform(geom,3857), b.e, 4096, 64, true) g, id from measures, b"
            " where geom && ST_Transform(b.e, 4326)) select ST_AsMVT(t.*, 'measures') from t;"
        ).format(*TILE),
    }


def pgbench(url: str, sql: str, seconds: int) -> dict[str, float]:
    """Transactions per second of `sql` with 8 clients, as wrk uses 8 connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(sql)
        script.flush()
        out = subprocess.run(
            [find_pg_bin() / "pgbench", "-n", "-c8", "-j1", f"-T{seconds}", "-f", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return {"rps": float(re.search(r"tps = ([\d.]+)", out).group(1))}


def print_table(results: dict[str, dict[str, dict[str, float]]], count: int, seconds: int) -> None:
    """The side-by-side table: requests per second and p99 latency per server."""
    print(
        f"{count:,} measures; one worker per server; wrk -t1 -c8 {seconds} s per query;"
        " postgres = pgbench -c8 on equivalent SQL"
    )
    print(f"{'query':8} " + " ".join(f"{name:>20}" for name in results))
    for query in QUERIES:
        cells = []
        for name in results:
            r = results[name].get(query)
            cell = "-" if r is None else f"{r['rps']:.0f} req/s"
            if r and r.get("non2xx"):
                cell += f" ({r['non2xx']} errors)"
            if r and "p99_ms" in r:
                cell += f" p99 {r['p99_ms']:.0f}"
            cells.append(cell)
        print(f"{query:8} " + " ".join(f"{c:>20}" for c in cells))
    for query in QUERIES:
        ours, tipg = results["project"][query]["rps"], results["tipg"][query]["rps"]
        print(f"ratio {query}: project/tipg = {ours / tipg:.1f}")


async def settle(url: str) -> tuple[int, str]:
    """Vacuum the table; its row count and the id of the single-feature query."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM (ANALYZE) measures")
        count = await conn.fetchval("SELECT count(*) FROM measures")
        item = await conn.fetchval("SELECT id::text FROM measures ORDER BY id OFFSET 4242 LIMIT 1")
    finally:
        await conn.close()
    return count, item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (PEER_VENV / "bin" / "uvicorn").exists():
        sys.exit("the peers' venv is missing: run `make bench-peers`")
    settings = get_settings()
    # Ports next to this checkout's own, so that parallel checkouts do not collide.
    ports = {"project": settings.port + 1, "tipg": settings.port + 2, "pygeoapi": settings.port + 3}

    url = asyncio.run(create_database(settings, DATABASE))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    asyncio.run(loading.load_demo(url, args.count, 1))
    count, item = asyncio.run(settle(url))

    bbox, tile = ",".join(map(str, BBOX)), "/tiles/WebMercatorQuad/{}/{}/{}".format(*TILE)
    env = {"DATABASE_URL": url, **UNLIMITED}
    peer_bin = PEER_VENV.resolve() / "bin"
    logs = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    processes = []
    try:
        base = f"http://127.0.0.1:{ports['project']}/collections/measures"
        processes.append(
            start(
                "project",
                [sys.executable, "-m", "app.cli.main", "serve", "--port", str(ports["project"])],
                env,
                base,
                logs,
            )
        )
        urls = {
            "project": {
                "bbox100": f"{base}/items?bbox={bbox}&limit=100",
                "item": f"{base}/items/{item}",
                "tile14": base + tile,
            }
        }
        base = f"http://127.0.0.1:{ports['tipg']}/collections/public.measures"
        processes.append(
            start(
                "tipg",
                [
                    *(str(peer_bin / "uvicorn"), "tipg.main:app", "--port", str(ports["tipg"])),
                    *("--workers", "1", "--log-level", "warning"),
                ],
                {
                    **env,
                    "TIPG_DB_SCHEMAS": '["public"]',
                    "TIPG_TABLE_CONFIG__public_measures__geomcol": "geom",
                    "TIPG_TABLE_CONFIG__public_measures__pk": "id",
                    "TIPG_TABLE_CONFIG__public_measures__properties": json.dumps(
                        client_properties()
                    ),
                },
                base,
                logs,
            )
        )
        urls["tipg"] = {
            "bbox100": f"{base}/items?bbox={bbox}&limit=100",
            "item": f"{base}/items/{item}",
            "tile14": base + tile,
        }
        base = f"http://127.0.0.1:{ports['pygeoapi']}/collections/measures"
        processes.append(
            start(
                "pygeoapi",
                [
                    str(peer_bin / "uvicorn"),
                    "pygeoapi.starlette_app:APP",
                    "--port",
                    str(ports["pygeoapi"]),
                    "--workers",
                    "1",
                    "--log-level",
                    "warning",
                ],
                pygeoapi_config(url, ports["pygeoapi"], logs),
                base,
                logs,
            )
        )
        # pygeoapi serves no vector tiles from PostgreSQL.
        urls["pygeoapi"] = {
            "bbox100": f"{base}/items?bbox={bbox}&limit=100&f=json",
            "item": f"{base}/items/{item}?f=json",
        }
        results: dict[str, dict[str, dict[str, float]]] = {name: {} for name in urls}
        results["postgres"] = {}
        sql = database_sql(item)
        for query in QUERIES:
            for name in urls:  # a warm-up pass for every server first
                if query in urls[name]:
                    wrk(urls[name][query], 1)
            for name in urls:
                if query in urls[name]:
                    results[name][query] = wrk(urls[name][query], args.seconds)
            results["postgres"][query] = pgbench(url, sql[query], args.seconds)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    print_table(results, count, args.seconds)
    if args.json:
        args.json.write_text(json.dumps({"count": count, "results": results}, indent=2))


if __name__ == "__main__":
    main()
