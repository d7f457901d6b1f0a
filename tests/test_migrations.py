"""Migrations go up and down cleanly on an empty database."""

from __future__ import annotations

import asyncio

import asyncpg
from alembic import command
from alembic.config import Config

from app.config import PROJECT_ROOT
from tests.conftest import recreate_database

TABLES = {
    "municipalities",
    "municipality_parts",
    "measure_types",
    "measures",
    "measure_history",
    "partners",
    "api_keys",
    "data_version",
    "municipality_baselines",
    "idempotency_keys",
    "measure_statistics",
}


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows} - {"spatial_ref_sys", "alembic_version"}
    finally:
        await conn.close()


def test_upgrade_downgrade_upgrade(dsn: str) -> None:
    url = asyncio.run(recreate_database("klimawerk_test_migrations"))
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["dsn"] = url

    command.upgrade(config, "head")
    assert asyncio.run(_tables(url)) == TABLES

    command.downgrade(config, "base")
    assert asyncio.run(_tables(url)) == set()

    command.upgrade(config, "head")
    assert asyncio.run(_tables(url)) == TABLES
