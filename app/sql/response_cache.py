"""The shared response cache: bodies valid while `data_version` has not moved on.

A statement trigger bumps `data_version` on every write to measures or baselines; a
cached body carries the version read in the same snapshot as its data.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import asyncpg

CACHED = """
SELECT c.body, c.version FROM response_cache c JOIN data_version v ON v.id = 1
 WHERE c.key = $1 AND c.version = v.version
"""

CURRENT_VERSION = "SELECT version FROM data_version WHERE id = 1"

STORE = """
INSERT INTO response_cache (key, version, body) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET version = excluded.version, body = excluded.body,
                                created_at = now()
  WHERE response_cache.version < excluded.version
"""

PRUNE = """
DELETE FROM response_cache
 WHERE version < (SELECT version FROM data_version WHERE id = 1)
    OR created_at < now() - interval '1 day'
"""
PRUNE_EVERY = 200  # misses, on average


async def maybe_prune(conn: asyncpg.Connection) -> None:
    """Now and then drop entries no request can use any more."""
    if random.randrange(PRUNE_EVERY) == 0:
        await conn.execute(PRUNE)


async def cached(
    conn: asyncpg.Connection, key: str, make: Callable[[asyncpg.Connection], Awaitable[bytes]]
) -> bytes:
    """The cached body for `key`, or `make` it in one snapshot with the version it shows."""
    row = await conn.fetchrow(CACHED, key)
    if row is not None:
        return bytes(row["body"])
    async with conn.transaction(isolation="repeatable_read", readonly=False):
        version = await conn.fetchval(CURRENT_VERSION)
        body = await make(conn)
    await conn.execute(STORE, key, version, body)
    await maybe_prune(conn)
    return body
