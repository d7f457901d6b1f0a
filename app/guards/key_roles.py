"""Whom a request with a key counts against: the key store is asked on the first request.

A valid key draws on its own budget from its first request, never on its office's
address. Roles are kept for `ttl_s` seconds (default 10): a revoked key keeps its own
budget at most that long, while its requests are refused anyway (the routers check
every key against the store on every request); that bound is all the cache can cost.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from app.db.session import connection
from app.sql import keys

MAX_KEYS = 10_000

Lookup = Callable[[str], Awaitable[str | None]]


class KeyRoles:
    """Roles of key digests (None for an unknown key), each remembered for `ttl_s`."""

    def __init__(self, lookup: Lookup, ttl_s: float = 10.0, clock=time.monotonic) -> None:
        self.lookup = lookup
        self.ttl_s = ttl_s
        self.clock = clock
        self.known: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    async def role(self, digest: str) -> str | None:
        """The role of the key with `digest`, None when it is unknown or revoked."""
        seen = self.known.get(digest)
        now = self.clock()
        if seen is not None and now - seen[0] < self.ttl_s:
            return seen[1]
        role = await self.lookup(digest)
        self.remember(digest, role)
        return role

    def remember(self, digest: str, role: str | None) -> None:
        """Note what the key store said of a key (also called where routers check keys)."""
        self.known[digest] = (self.clock(), role)
        self.known.move_to_end(digest)
        if len(self.known) > MAX_KEYS:
            self.known.popitem(last=False)


def key_store(state: Any) -> Lookup:
    """Ask the key store through the primary pool of the app's `state` (opened later,
    at start-up)."""

    async def role_of(digest: str) -> str | None:
        async with connection(state.pool) as conn:
            row = await keys.select_caller(conn, digest)
        return row["role"] if row else None

    return role_of
