"""Budgets shared by every worker process and instance that uses one primary database.

Each process decides from its own numbers (no database round trip on a request) and
every `interval_s` adds what it spent to `request_budgets` in one statement, taking
back the sums all processes spent. A caller can therefore overdraw by at most what
it sends to each process within one interval (0.25 s by default), and the requests
themselves never wait for the database on account of the limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from app.db.session import connection
from app.errors import AppError
from app.guards.budget import Buckets, Rate
from app.sql import request_budgets

log = logging.getLogger("klimawerk")

# Every this many syncs, rows of budgets that are full again are deleted.
FORGET_EVERY = 240
# At most this many budgets in use are read back per sync (the most recently spent).
MAX_REFRESHED = 5000


class SharedBuckets(Buckets):
    """`Buckets` whose spending is summed across processes through the database."""

    def __init__(self, rates: dict[str, Rate], interval_s: float = 0.25, clock=time.time) -> None:
        super().__init__(rates, clock)
        self.interval_s = interval_s
        self.pending: dict[tuple[str, str], float] = {}
        self._task: asyncio.Task[None] | None = None
        # The stored kind names its rate: a row holds seconds at that rate, so processes
        # with other budgets (a rolling update, a test server) never read each other's.
        self.stored_kind = {
            kind: f"{kind}:{rate.per_second:g}/s:{rate.burst:g}" for kind, rate in rates.items()
        }
        self.kind_of = {stored: kind for kind, stored in self.stored_kind.items()}

    def spend(self, identity: str, kind: str, units: float) -> None:
        super().spend(identity, kind, units)
        if units > 0:
            key = (identity, kind)
            self.pending[key] = self.pending.get(key, 0.0) + units / self.rates[kind].per_second

    def refund(self, identity: str, kind: str, units: float) -> None:
        super().refund(identity, kind, units)
        key = (identity, kind)
        if units > 0 and key in self.arrival:
            self.pending[key] = self.pending.get(key, 0.0) - units / self.rates[kind].per_second

    def _in_use(self) -> dict[tuple[str, str], float]:
        """Budgets in use here (not full), most recently spent first, with nothing to
        add: the sync reads back what the other processes spent of them."""
        now = self.clock()
        in_use: dict[tuple[str, str], float] = {}
        for key in reversed(self.arrival):
            if len(in_use) >= MAX_REFRESHED:
                break
            if self.arrival[key] > now:
                in_use[key] = 0.0
        return in_use

    async def sync(self, pool: Any, forget: bool = False) -> None:
        """Add what this process spent since the last sync; take back the shared sums."""
        batch, self.pending = self._in_use() | self.pending, {}
        if not batch and not forget:
            return
        stored = {(identity, self.stored_kind[kind]): s for (identity, kind), s in batch.items()}
        async with connection(pool) as conn:
            rows = await request_budgets.add_spent(conn, stored) if stored else []
            if forget:
                await request_budgets.forget_full(conn)
        for row in rows:
            key = (row["identity"], self.kind_of[row["kind"]])
            # What was spent here while the statement ran is not in the sum yet.
            self.arrival[key] = row["spent_until"] + self.pending.get(key, 0.0)

    def start(self, pool_of: Callable[[], Any]) -> None:
        """Sync every `interval_s` in the background (0: per process only)."""
        if self.interval_s > 0 and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(pool_of))

    async def stop(self) -> None:
        """Stop syncing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, pool_of: Callable[[], Any]) -> None:
        rounds = 0
        while True:
            await asyncio.sleep(self.interval_s)
            rounds += 1
            try:
                await self.sync(pool_of(), forget=rounds % FORGET_EVERY == 0)
            except (AppError, OSError) as exc:
                # The database is away: each process keeps limiting on its own numbers.
                log.warning("request budgets not shared this round: %s", exc)
