"""The hit path of the two response-cache designs of ADR 0010, on the configured server.

A: the body kept in an UNLOGGED table of the serving database (the round-1 design):
   one query returns the body when its version is current.
B: the body kept in the API process: one query reads the data version, the body comes
   from a dict. Prints microseconds per hit for a z14-sized tile (3 kB) and a z10 one.
"""

from __future__ import annotations

import asyncio
import os
import time

import asyncpg

from app.config import get_settings
from app.db.databases import create_database
from app.sql.response_cache import ResponseCache

ROUNDS = 3000


async def main() -> None:
    url = await create_database(get_settings(), "klimawerk_cache_options", replace=True)
    conn = await asyncpg.connect(url)
    await conn.execute(
        "CREATE TABLE data_version (id int PRIMARY KEY, version bigint);"
        "INSERT INTO data_version VALUES (1, 7);"
        "CREATE UNLOGGED TABLE response_cache (key text PRIMARY KEY, version bigint, body bytea)"
    )
    for size in (3_000, 60_000):
        body = os.urandom(size)
        await conn.execute("INSERT INTO response_cache VALUES ('t', 7, $1)", body)
        lookup = (
            "SELECT c.body FROM response_cache c JOIN data_version v ON v.id = 1"
            " WHERE c.key = $1 AND c.version = v.version"
        )
        started = time.perf_counter()
        for _ in range(ROUNDS):
            await conn.fetchval(lookup, "t")
        table_us = (time.perf_counter() - started) / ROUNDS * 1e6

        cache = ResponseCache(64 << 20)

        async def make(_: asyncpg.Connection, body: bytes = body) -> tuple[int, bytes]:
            return 7, body

        started = time.perf_counter()
        for _ in range(ROUNDS):
            version = await conn.fetchval("SELECT version FROM data_version WHERE id = 1")
            await cache.get(conn, "t", version, make)
        process_us = (time.perf_counter() - started) / ROUNDS * 1e6
        print(f"{size:>6} B body: table {table_us:6.0f} us/hit, process {process_us:6.0f} us/hit")
        await conn.execute("DELETE FROM response_cache")
    await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
