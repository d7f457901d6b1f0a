"""Small builders of test rows; measures are written through the real trigger."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from app.auth.keys import new_key
from app.sql import keys


async def insert_measure(
    conn: asyncpg.Connection,
    geometry: BaseGeometry,
    *,
    type: str = "green_roof_extensive",
    review_state: str = "published",
    **columns: Any,
) -> asyncpg.Record:
    """Insert a measure with a WGS84 shapely geometry; returns the derived columns."""
    values = {
        "type": type,
        "title": columns.pop("title", f"Test {type}"),
        "status": columns.pop("status", "completed"),
        "review_state": review_state,
        "source": columns.pop("source", "test"),
        **columns,
    }
    names = list(values)
    placeholders = ", ".join(f"${i + 2}" for i in range(len(names)))
    return await conn.fetchrow(
        f"INSERT INTO measures ({', '.join(names)}, geom) VALUES ({placeholders}, "
        f"ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) "
        f"RETURNING id, municipality, area_m2, version, feature",
        json.dumps(mapping(geometry)),
        *values.values(),
    )


def new_id() -> uuid.UUID:
    """A fresh measure id."""
    return uuid.uuid4()


async def create_key(
    pool: asyncpg.Pool, partner: str, role: str, municipalities: list[str] | None = None
) -> tuple[int, str]:
    """Store a new key through the real key SQL; returns its id and the secret."""
    key = new_key()
    async with pool.acquire() as conn:
        key_id = await keys.create_key(
            conn, partner, role, municipalities or [], key.prefix, key.digest
        )
    return key_id, key.secret
