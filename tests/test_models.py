"""`app/models` describes exactly the schema the migrations build (ADR 0008)."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Connection, Index, Table
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401  (registers every table on the metadata)
from app.db.meta import is_ours, metadata


def _where(table: str | None, column: str | None = None) -> str:
    return f"{table}.{column}" if column else str(table)


def _describe(change: Any) -> str:
    """One line a person can act on: what differs, and on which side it is."""
    if isinstance(change, list):  # modifications of one column come as a list
        return "; ".join(_describe(part) for part in change)
    op = change[0]
    if op in ("add_table", "remove_table"):
        table: Table = change[1]
        side = "app/models only" if op == "add_table" else "the migrations only"
        return f"table {table.name}: in {side}"
    if op in ("add_column", "remove_column"):
        column: Column = change[3]
        side = "app/models only" if op == "add_column" else "the migrations only"
        return f"column {_where(change[2], column.name)} {column.type}: in {side}"
    if op in ("add_index", "remove_index"):
        index: Index = change[1]
        columns = ", ".join(str(c) for c in index.expressions)
        side = "app/models only" if op == "add_index" else "the migrations only"
        return f"index {index.name} on {index.table.name} ({columns}): in {side}"
    if op.startswith("modify_"):
        _, _, table, column, _, in_database, in_models = change
        what = op.removeprefix("modify_")
        return (
            f"{what} of {_where(table, column)}: the migrations give {in_database!r}, "
            f"app/models {in_models!r}"
        )
    return repr(change)


def _compare(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": True, "include_object": is_ours},
    )
    return compare_metadata(context, metadata)


@pytest.fixture(scope="module")
async def differences(dsn: str) -> list[str]:
    """What autogenerate would change to make the migrated database match app/models."""
    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.connect() as connection:
            changes = await connection.run_sync(_compare)
    finally:
        await engine.dispose()
    return [_describe(change) for change in changes]


def test_models_match_the_migrated_schema(differences: list[str]) -> None:
    assert not differences, (
        "app/models and the migrations disagree; change app/models (or add a migration):\n  "
        + "\n  ".join(differences)
    )
