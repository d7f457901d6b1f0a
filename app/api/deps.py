"""Dependencies of the routers: the pool, the caller, reference data for checks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from app.auth.caller import Caller
from app.auth.keys import hash_key, key_from_headers
from app.db.session import connection
from app.errors import Unauthorized
from app.sql import keys, municipalities
from app.sql.response_cache import ResponseCache


# Dependencies are `async def`: FastAPI runs plain `def` ones in a thread pool, and that
# hop cost more than a whole page query.
async def get_pool(request: Request) -> asyncpg.Pool:
    """The pool that answers this request: a replica for anonymous reads, else the primary.

    Every request with a key reads from the primary, so a partner always reads its own
    writes, whichever worker or instance answers (ADR 0010).
    """
    databases = getattr(request.app.state, "databases", None)
    if (
        databases is None
        or request.method not in ("GET", "HEAD")
        or "authorization" in request.headers
        or "x-api-key" in request.headers
        or getattr(request.state, "primary_only", False)
    ):
        return request.app.state.pool
    return databases.read_pool()  # type: ignore[return-value]


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]


async def get_caller(request: Request, pool: PoolDep) -> Caller:
    """The caller of this request, from `Authorization: Bearer` or `X-API-Key`."""
    secret = key_from_headers(request.headers.raw)
    if secret is None:
        return Caller()
    digest = hash_key(secret)
    async with connection(pool) as conn:
        row = await keys.select_caller(conn, digest)
    request.app.state.key_roles.remember(digest, row["role"] if row else None)
    if row is None:
        raise Unauthorized("the API key is not valid (unknown or revoked)")
    caller = Caller(
        partner=row["partner"],
        role=row["role"],
        municipalities=tuple(row["municipalities"]),
        key_id=row["id"],
    )
    request.state.caller = caller  # the access log names the partner (never the key)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


@dataclass
class KnownMunicipalities:
    """The AGS of loaded municipalities, re-read at most once a minute."""

    ttl: float = 60.0
    values: frozenset[str] = field(default_factory=frozenset)
    loaded_at: float = float("-inf")

    async def get(self, pool: asyncpg.Pool) -> frozenset[str]:
        if time.monotonic() - self.loaded_at > self.ttl or not self.values:
            async with connection(pool) as conn:
                self.values = frozenset(await municipalities.select_ags(conn))
            self.loaded_at = time.monotonic()
        return self.values


async def get_known_municipalities(request: Request, pool: PoolDep) -> frozenset[str]:
    """AGS codes a `municipality` filter may name."""
    return await request.app.state.known_municipalities.get(pool)


KnownMunicipalitiesDep = Annotated[frozenset[str], Depends(get_known_municipalities)]


async def get_response_cache(request: Request) -> ResponseCache:
    """This process's cache of tiles and statistics."""
    return request.app.state.response_cache


ResponseCacheDep = Annotated[ResponseCache, Depends(get_response_cache)]
