"""Connection pool of the app and the one place where database errors are translated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from app.config import Settings
from app.errors import AppError, InvalidMeasure, InvalidParameter, Unavailable


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSON stays text: the database builds response bytes and Python passes them on.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=str, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's default RESET ALL round trip.

    Request code changes no session state outside transactions (SET LOCAL ends with
    the transaction), so the reset query per request would only cost time.
    """


async def create_pool(settings: Settings) -> asyncpg.Pool:
    """Open the pool; a database that is not reachable becomes an `Unavailable`."""
    try:
        pool = await asyncpg.create_pool(
            settings.dsn,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            init=_init_connection,
            reset=_keep_session,
            # A fixed search path and UTC make the cached statements and dates deterministic.
            server_settings={"search_path": "public", "TimeZone": "UTC", "jit": "off"},
        )
    except (OSError, asyncpg.PostgresError) as exc:
        raise Unavailable(f"cannot connect to the database: {exc}") from exc
    assert pool is not None
    return pool


def translate(exc: asyncpg.PostgresError) -> AppError:
    """Map a database error to the error the caller sees."""
    if getattr(exc, "constraint_name", None) == "measures_within_region":
        return InvalidMeasure(
            "the measure was not stored: its geometry lies outside the 17 municipalities",
            errors=[
                {"where": "/geometry", "problem": "lies outside the 17 Klima.Werk municipalities"}
            ],
        )
    if isinstance(exc, asyncpg.DataError | asyncpg.InvalidTextRepresentationError):
        return InvalidParameter(f"a value was not accepted by the database: {exc}")
    if isinstance(exc, asyncpg.exceptions.QueryCanceledError):
        return Unavailable("the query took too long and was cancelled")
    if isinstance(exc, asyncpg.CannotConnectNowError | asyncpg.ConnectionDoesNotExistError):
        return Unavailable("the database is not available")
    return AppError("the database reported an error; it has been logged")


@asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection; database errors leave as AppErrors."""
    try:
        async with pool.acquire() as conn:
            yield conn
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    except (OSError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"the database is not available: {exc}") from exc
