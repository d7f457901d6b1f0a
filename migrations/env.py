"""Alembic environment: runs migrations over asyncpg against the configured database."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db.meta import is_ours, metadata


def _url() -> str:
    configured = context.config.attributes.get("dsn") or get_settings().dsn
    return configured.replace("postgresql://", "postgresql+asyncpg://", 1)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # The metadata's naming convention names the constraints the revisions create, and
    # autogenerate compares app/models with the database (PostGIS's tables left out).
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        include_object=is_ours,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
