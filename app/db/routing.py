"""Read/write routing over the primary and its streaming replicas.

Writes, and every read of a caller with a key, go to the primary (`DATABASE_URL`, which
may list several hosts with `target_session_attrs=read-write`, so that a promoted replica
is found without a restart). Anonymous reads go round-robin to the replicas of
`DATABASE_REPLICA_URLS` that answer and lag at most `REPLICA_MAX_LAG_S`. A watcher
checks every replica each second; a replica that fails while a request uses it is
taken out at once and the request is answered by the primary (see `ReplicaFallback`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from app.config import Settings
from app.db.session import CONNECTION_LOST, create_pool

log = logging.getLogger("klimawerk.routing")

CHECK_INTERVAL_S = 1.0
CHECK_TIMEOUT_S = 2.0
# The one list of connection-loss errors lives beside `translate` (app/db/session.py).
LOST = CONNECTION_LOST


def public_url(dsn: str) -> str:
    """The DSN without a password (in the user info or as a query parameter)."""
    dsn = re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", dsn)
    return re.sub(r"([?&])password=[^&]*&?", r"\1", dsn).rstrip("?&")


def parse_lsn(text: str | None) -> int | None:
    """A `pg_lsn` such as `0/3000148` as a number (None stays None)."""
    if not text:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class ReplicaLost(Exception):
    """A replica failed while it served a read; the request is answered by the primary."""


@dataclass
class Replica:
    """One read-only database, its pool and what the last check found."""

    url: str
    pool: asyncpg.Pool
    state: str = "unknown"  # ok | lagging | down | unknown
    role: str | None = None
    lag_s: float | None = None
    error: str | None = None

    @property
    def usable(self) -> bool:
        """Reachable and close enough to the primary at the last check."""
        return self.state == "ok"


@dataclass
class Databases:
    """The primary pool, the replicas and the choice between them."""

    primary: asyncpg.Pool
    primary_url: str
    replicas: list[Replica] = field(default_factory=list)
    max_lag_s: float = 5.0
    # (monotonic time, primary LSN) of recent checks: a replica that has replayed the
    # LSN the primary had at time t is at most now - t behind.
    _primary_lsns: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=120))
    _turn: itertools.count = field(default_factory=itertools.count)
    _watcher: asyncio.Task | None = None

    def read_pool(self) -> asyncpg.Pool | ReplicaPool:
        """A usable replica (in turn), else the primary."""
        usable = [r for r in self.replicas if r.usable]
        if not usable:
            return self.primary
        return ReplicaPool(usable[next(self._turn) % len(usable)], self)

    def take_out(self, replica: Replica, reason: str) -> None:
        """Stop sending reads to `replica` until a check finds it healthy again."""
        if replica.state != "down":
            log.warning("replica %s taken out: %s", replica.url, reason)
        replica.state, replica.error = "down", reason

    def describe(self) -> list[dict[str, Any]]:
        """Each replica as `/health` lists it (no passwords)."""
        return [
            {
                "url": r.url,
                "use": "replica",
                "role": r.role,
                "state": r.state,
                "lag_s": None if r.lag_s is None else round(r.lag_s, 3),
                **({"error": r.error} if r.error else {}),
            }
            for r in self.replicas
        ]

    async def check(self) -> None:
        """Check every replica once: reachable, in recovery or not, and its lag."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                text = await self.primary.fetchval(
                    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
                    " ELSE pg_current_wal_lsn() END::text"
                )
            self._primary_lsns.append((time.monotonic(), parse_lsn(text) or 0))
        except (*LOST, asyncpg.PostgresError) as exc:
            log.warning("primary not reachable for the replica check: %s", exc)
        await asyncio.gather(*(self._check_one(r) for r in self.replicas))

    async def _check_one(self, replica: Replica) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                row = await replica.pool.fetchrow(
                    "SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn"
                )
        except (*LOST, asyncpg.PostgresError) as exc:
            self.take_out(replica, f"{type(exc).__name__}: {exc}")
            replica.lag_s = None
            return
        replica.role = "replica" if row["standby"] else "primary"
        replica.lag_s = self._lag(parse_lsn(row["lsn"])) if row["standby"] else 0.0
        if replica.lag_s is not None and replica.lag_s > self.max_lag_s:
            if replica.state != "lagging":
                log.warning("replica %s lags %.1f s: taken out", replica.url, replica.lag_s)
            replica.state, replica.error = "lagging", f"lags {replica.lag_s:.1f} s"
        else:
            if replica.state in ("down", "lagging"):
                log.warning("replica %s is back", replica.url)
            replica.state, replica.error = "ok", None

    def _lag(self, replayed: int | None) -> float | None:
        if not self._primary_lsns:
            return None
        now = time.monotonic()
        if replayed is None:
            return now - self._primary_lsns[0][0]
        for seen_at, lsn in reversed(self._primary_lsns):
            if lsn <= replayed:
                return 0.0 if seen_at == self._primary_lsns[-1][0] else now - seen_at
        return now - self._primary_lsns[0][0]

    async def watch(self, interval: float = CHECK_INTERVAL_S) -> None:
        """Check the replicas every `interval` seconds, forever."""
        while True:
            try:
                await self.check()
            except Exception:  # the watcher must outlive any surprise
                log.exception("replica check failed")
            await asyncio.sleep(interval)

    def start_watching(self) -> None:
        """Run `watch` in the background (no-op without replicas)."""
        if self.replicas and self._watcher is None:
            self._watcher = asyncio.create_task(self.watch())

    async def close(self) -> None:
        """Stop the watcher and close the replica pools (the primary's owner closes it)."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await asyncio.gather(*(r.pool.close() for r in self.replicas))


async def open_databases(settings: Settings, primary: asyncpg.Pool) -> Databases:
    """The routing over `primary` and the replicas of the settings, checked once."""
    replicas = []
    for url in settings.replica_urls:
        # No connection at start-up: a replica that is down must not stop the API.
        pool = await create_pool(
            settings.model_copy(update={"database_url": url, "pool_min_size": 0})
        )
        replicas.append(Replica(public_url(url), pool))
    databases = Databases(
        primary, public_url(settings.dsn), replicas, max_lag_s=settings.replica_max_lag_s
    )
    if replicas:
        await databases.check()
        await databases.check()  # the second check has a primary LSN to compare with
    return databases


class ReplicaPool:
    """A replica's pool for one request: a failure takes the replica out.

    A replica that refuses the connection is replaced by the primary at once; one that
    fails during a query raises `ReplicaLost`, and `ReplicaFallback` repeats the request.
    """

    def __init__(self, replica: Replica, databases: Databases) -> None:
        self.replica = replica
        self.databases = databases

    def acquire(self, *, timeout: float | None = None) -> _ReplicaAcquire:
        return _ReplicaAcquire(self, timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.replica.pool, name)


class _ReplicaAcquire:
    def __init__(self, owner: ReplicaPool, timeout: float | None) -> None:
        self.owner = owner
        self.timeout = timeout
        self.context: Any = None
        self.on_replica = True

    async def __aenter__(self) -> asyncpg.Connection:
        self.context = self.owner.replica.pool.acquire(timeout=self.timeout)
        try:
            return await self.context.__aenter__()
        except LOST as exc:
            self.owner.databases.take_out(self.owner.replica, f"{type(exc).__name__}: {exc}")
        self.on_replica = False
        self.context = self.owner.databases.primary.acquire(timeout=self.timeout)
        return await self.context.__aenter__()

    async def __aexit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        # Releasing a dead connection may fail too; the replica is taken out below.
        with contextlib.suppress(*LOST):
            await self.context.__aexit__(kind, exc, tb)
        # A timeout (TimeoutError is an OSError) is the request's deadline, not a lost
        # replica: repeating the request on the primary would only double the load.
        if self.on_replica and isinstance(exc, LOST) and not isinstance(exc, TimeoutError):
            self.owner.databases.take_out(self.owner.replica, f"{type(exc).__name__}: {exc}")
            raise ReplicaLost(str(exc)) from exc


Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


class ReplicaFallback:
    """ASGI middleware: a read whose replica failed before answering is repeated on the
    primary, so that a replica going down never shows as a 5xx."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        started = False

        async def watch_start(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch_start)
        except ReplicaLost:
            if started:
                raise
            scope.setdefault("state", {})["primary_only"] = True
            await self.app(scope, receive, send)
