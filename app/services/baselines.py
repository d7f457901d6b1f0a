"""Setting a municipality's baseline: the sequence the admin HTTP call and the CLI share."""

from __future__ import annotations

import asyncpg

from app.errors import NotFound
from app.schemas.baseline import BaselineInput
from app.services import impacts
from app.sql import statistics


async def set_baseline(conn: asyncpg.Connection, ags: str, baseline: BaselineInput) -> dict:
    """Store the fields sent; a new climate or reference split re-stores the impacts of
    the municipality's measures (no new versions). One transaction."""
    async with conn.transaction():
        if await conn.fetchval("SELECT 1 FROM municipalities WHERE ags = $1", ags) is None:
            raise NotFound(f"no municipality {ags!r}")
        row = await statistics.upsert_baseline(conn, ags, baseline.changes())
        if baseline.changes_climate:
            await impacts.store_impacts(conn, "measures", "municipality = $1", ags)
    out = dict(row)
    out["updated_at"] = out["updated_at"].isoformat()
    return out
