"""Databases of their own on the configured server, for tests and benchmarks."""

from __future__ import annotations

import asyncpg

from app.config import Settings


async def create_database(settings: Settings, name: str, *, replace: bool = False) -> str:
    """Create database `name` with PostGIS on the configured server (the embedded cluster
    or DATABASE_URL's), unless it exists; `replace` drops it first. Returns its URL."""
    admin = await asyncpg.connect(settings.dsn_of("postgres"))
    try:
        if replace:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = settings.dsn_of(name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        await conn.close()
    return url
