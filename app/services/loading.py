"""Loading reference and demo data: shared by the CLI, `make run` and the tests."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from app.config import PROJECT_ROOT
from app.domain.catalogue import load_catalogue
from app.services import impacts
from app.sql import demo, measure_types, measures, municipalities, statistics

DEFAULT_BOUNDARIES = PROJECT_ROOT / "geodata" / "municipalities.geojson"


def migrate(dsn: str) -> None:
    """Bring the schema to the newest revision and sync the type catalogue into it."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["dsn"] = dsn
    command.upgrade(config, "head")
    asyncio.run(_sync_catalogue(dsn))


async def _sync_catalogue(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            changed = await measure_types.sync_catalogue(conn, load_catalogue())
            if changed or await impacts.accounting_pending(conn):
                # New elements, defaults or coefficients, or rows the accounting rule has
                # not seen yet (after its migration): every stored figure again.
                await impacts.store_impacts(conn)
    finally:
        await conn.close()


async def load_boundaries(dsn: str, path: Path = DEFAULT_BOUNDARIES) -> int:
    """Upsert the municipality boundaries from a GeoJSON FeatureCollection file."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection with features")
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        if not str(props.get("ags", "")).isdigit() or len(str(props["ags"])) != 8:
            raise ValueError(f"{path}: feature {index} has no 8-digit `ags` property")
        if not props.get("name"):
            raise ValueError(f"{path}: feature {index} has no `name` property")
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            return await municipalities.upsert_boundaries(conn, features)
    finally:
        await conn.close()


async def load_demo_baselines(dsn: str) -> list[str]:
    """Demo sealed areas (marked as such) for municipalities without a baseline."""
    conn = await asyncpg.connect(dsn)
    try:
        return await statistics.insert_demo_baselines(conn)
    finally:
        await conn.close()


@dataclass
class DemoResult:
    """What `load demo` did."""

    inserted: int
    deleted: int
    skipped: bool


async def load_demo(dsn: str, count: int, seed: int, *, workers: int = 2) -> DemoResult:
    """Replace the demo measures by `count` measures generated from `seed` (idempotent)."""
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT count(*) FROM municipalities") == 0:
            raise ValueError("no municipalities loaded: run `klimawerk load boundaries` first")
        if await demo.demo_present(conn, count, seed):
            return DemoResult(inserted=0, deleted=0, skipped=True)
        async with conn.transaction():
            deleted = await demo.delete_demo(conn)
    finally:
        await conn.close()
    # The row trigger (municipality, area, cached feature) is the cost of a load: run it
    # on as many connections as there are cores.
    slices = await asyncio.gather(
        *(_insert_slice(dsn, count, seed, workers, n) for n in range(workers))
    )
    conn = await asyncpg.connect(dsn)
    try:
        await measures.bump_data_version(conn)
        # Statistics now; the visibility map (index-only counts) follows from autovacuum,
        # which PostgreSQL 13+ runs on insert-only tables by itself.
        await conn.execute("ANALYZE measures")
    finally:
        await conn.close()
    return DemoResult(inserted=sum(slices), deleted=deleted, skipped=False)


async def _insert_slice(dsn: str, count: int, seed: int, slices: int, slice_no: int) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await demo.generate_demo_slice(conn, count, seed, slices, slice_no)
            await impacts.store_impacts(conn, "demo")
            return await demo.insert_demo_slice(conn)
    finally:
        await conn.close()
