"""Routing rules that need no server: URLs without passwords, LSNs, lag, the cache bound."""

from __future__ import annotations

import time

from app.db.routing import Databases, Replica, parse_lsn, public_url
from app.sql.response_cache import ENTRY_OVERHEAD, ResponseCache


def test_public_url_drops_passwords() -> None:
    assert public_url("postgresql://kw:s3cr%40t@db:5432/kw") == "postgresql://kw@db:5432/kw"
    assert (
        public_url("postgresql://kw:pw@a:1,b:2/kw?target_session_attrs=read-write")
        == "postgresql://kw@a:1,b:2/kw?target_session_attrs=read-write"
    )
    assert public_url("postgresql://kw@db/kw?password=pw&sslmode=require") == (
        "postgresql://kw@db/kw?sslmode=require"
    )


def test_lsns_compare_as_numbers() -> None:
    assert parse_lsn("0/3000148") < parse_lsn("1/0")
    assert parse_lsn(None) is None


def _databases(samples: list[tuple[float, int]]) -> Databases:
    databases = Databases(primary=None, primary_url="p")  # type: ignore[arg-type]
    databases._primary_lsns.extend(samples)
    return databases


def test_lag_is_the_age_of_the_newest_primary_position_replayed() -> None:
    now = time.monotonic()
    databases = _databases([(now - 10, 100), (now - 5, 200), (now - 1, 300)])
    assert databases._lag(300) == 0.0  # caught up with the last check
    assert 4.5 < databases._lag(250) < 6  # has what the primary had 5 s ago
    assert databases._lag(50) >= 10  # behind everything seen


def test_a_replica_that_lags_or_is_down_gets_no_reads() -> None:
    databases = _databases([])
    databases.primary = "primary"  # type: ignore[assignment]
    replica = Replica("r", pool=None, state="ok")  # type: ignore[arg-type]
    databases.replicas.append(replica)
    assert databases.read_pool().replica is replica  # type: ignore[union-attr]
    databases.take_out(replica, "refused")
    assert databases.read_pool() == "primary"
    assert databases.describe()[0]["state"] == "down"


async def test_the_response_cache_stays_within_its_bytes() -> None:
    cache = ResponseCache(10 * (1000 + ENTRY_OVERHEAD))

    async def make(_: object) -> tuple[int, bytes]:
        return 1, b"x" * 1000

    for i in range(100):  # a hundred unique filters
        await cache.get(None, f"filter-{i}", 1, make)  # type: ignore[arg-type]
    assert len(cache) == 10
    assert cache.size_bytes <= 10 * (1000 + ENTRY_OVERHEAD)


async def test_the_response_cache_serves_only_the_current_version() -> None:
    cache = ResponseCache(1 << 20)
    made = []

    async def make(_: object) -> tuple[int, bytes]:
        made.append(1)
        return 2, b"v2"

    first = await cache.get(None, "k", 2, make)  # type: ignore[arg-type]
    again = await cache.get(None, "k", 2, make)  # type: ignore[arg-type]
    assert again is first and len(made) == 1
    await cache.get(None, "k", 3, make)  # type: ignore[arg-type]
    assert len(made) == 2


def test_reads_are_spread_over_the_usable_replicas() -> None:
    databases = _databases([])
    first, second, lagging = (
        Replica(name, pool=None, state=state)  # type: ignore[arg-type]
        for name, state in (("a", "ok"), ("b", "ok"), ("c", "lagging"))
    )
    databases.replicas.extend([first, second, lagging])
    chosen = [databases.read_pool().replica.url for _ in range(6)]  # type: ignore[union-attr]
    assert sorted(chosen) == ["a", "a", "a", "b", "b", "b"]
