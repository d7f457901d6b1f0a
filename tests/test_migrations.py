"""Migrations go up and down cleanly on an empty database."""

from __future__ import annotations

import asyncio

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.config import PROJECT_ROOT
from migrations.sql import SQL_DIR, function_sql
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
    "measure_search_words",
    "request_budgets",
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


async def _functions(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS body"
            " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'"
            " WHERE n.nspname = 'public' AND d.objid IS NULL"  # not PostGIS's own
        )
        return {r["name"]: r["body"] for r in rows}
    finally:
        await conn.close()


def test_a_downgrade_restores_the_functions_of_the_revision_it_returns_to(dsn: str) -> None:
    url = asyncio.run(recreate_database("klimawerk_test_migrations"))
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["dsn"] = url

    command.upgrade(config, "0005")
    before = asyncio.run(_functions(url))
    command.upgrade(config, "head")
    assert asyncio.run(_functions(url)) != before
    command.downgrade(config, "0005")
    assert asyncio.run(_functions(url)) == before


def test_the_water_balance_revision_goes_back_to_0008_and_up_again(dsn: str) -> None:
    # 0009 drops 0006's impact functions and redefines two others; its downgrade must
    # restore exactly 0008's functions, and a second upgrade must work on that.
    url = asyncio.run(recreate_database("klimawerk_test_migrations"))
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["dsn"] = url

    command.upgrade(config, "0008")
    before = asyncio.run(_functions(url))
    command.upgrade(config, "head")
    after = asyncio.run(_functions(url))
    rain = "measure_rain_m3(double precision,double precision,boolean,double precision)"
    assert rain in before and rain not in after
    command.downgrade(config, "0008")
    assert asyncio.run(_functions(url)) == before
    command.upgrade(config, "head")
    assert asyncio.run(_functions(url)) == after


def test_each_function_file_defines_its_function_at_a_known_revision() -> None:
    revisions = {
        script.revision
        for script in ScriptDirectory.from_config(
            Config(str(PROJECT_ROOT / "alembic.ini"))
        ).walk_revisions()
    }
    files = sorted(SQL_DIR.glob("*/*.sql"))
    assert files
    for path in files:
        assert path.stem in revisions, path
        statement = function_sql(path.parent.name, path.stem)
        assert f"CREATE OR REPLACE FUNCTION {path.parent.name}(" in statement, path
