"""Tiles and statistics kept in each process while the data version they show is current.

A statement trigger bumps `data_version` on every write to measures, baselines or
boundaries; the row replicates like any other, so a replica tells which version it
has replayed. A body is kept with the version read in the same snapshot as its data
and served only while the database that answers the request shows that version. The
cache is bounded in bytes (least recently used out first); see ADR 0010.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
from cachetools import LRUCache

CURRENT_VERSION = "SELECT version FROM data_version WHERE id = 1"
# What an entry costs beyond its body: key, tuple, dict slot.
ENTRY_OVERHEAD = 200


@dataclass(frozen=True)
class Entry:
    """A kept body, the data version it shows and its strong ETag."""

    version: int
    body: bytes
    etag: str


def strong_etag(body: bytes) -> str:
    """An ETag that changes exactly when the bytes do."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


async def current_version(conn: asyncpg.Connection) -> int:
    """The data version the database behind `conn` shows now."""
    return int(await conn.fetchval(CURRENT_VERSION))


Make = Callable[[asyncpg.Connection], Awaitable[tuple[int, bytes]]]


class ResponseCache:
    """Bodies by key, at most `max_bytes` of them; concurrent misses of a key make it once."""

    def __init__(self, max_bytes: int, on_hit: Callable[[], None] | None = None) -> None:
        # Told of every answer from the cache (the rate limit does not charge for it).
        self.on_hit = on_hit
        self._entries: LRUCache[str, Entry] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda e: len(e.body) + ENTRY_OVERHEAD
        )
        self._making: dict[str, asyncio.Future[Entry]] = {}
        # Running totals for the metrics (a hit: served without making it here).
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        """Bytes held now (bodies plus the per-entry estimate)."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry (benchmarks measure the uncached path with it)."""
        self._entries.clear()

    async def get(self, conn: asyncpg.Connection, key: str, version: int, make: Make) -> Entry:
        """The entry of `key` at `version`, or `make` it (`make` returns the version its
        snapshot showed with the body)."""
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._hit()
            return entry
        pending = self._making.get(key)
        if pending is not None:
            made = await asyncio.shield(pending)
            if made.version >= version:
                self._hit()
                return made
        self.misses += 1
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            made_version, body = await make(conn)
            made = Entry(made_version, body, strong_etag(body))
            kept = self._entries.get(key)
            # Replicas at different versions must not push a newer entry out.
            if kept is None or kept.version <= made.version:
                self._store(key, made)
            future.set_result(made)
            return made
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            if self._making.get(key) is future:
                del self._making[key]

    def _hit(self) -> None:
        self.hits += 1
        if self.on_hit is not None:
            self.on_hit()

    def _store(self, key: str, entry: Entry) -> None:
        if len(entry.body) + ENTRY_OVERHEAD > self._entries.maxsize:
            return  # bigger than the whole cache: served, not kept
        self._entries[key] = entry
