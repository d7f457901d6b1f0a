"""Connection pool of the app and the one place where database errors are translated."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from app.config import Settings
from app.domain import messages
from app.errors import AppError, InvalidMeasure, InvalidParameter, Unavailable

# Errors that say the server is gone or going, not that the query is wrong: a 503 for
# the caller, and for the routing pool (app/db/routing.py) a reason to fail over.
CONNECTION_LOST = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.InterfaceError,
    # Releasing a connection that was lost mid-query (its holder is free already); a
    # connection cut in the middle of an operation can leave its protocol in this state.
    asyncpg.InternalClientError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.CannotConnectNowError,
)


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSON stays text: the database builds response bytes and Python passes them on.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=str, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's default RESET ALL round trip.

    Request code changes no session state outside transactions (SET LOCAL ends with
    the transaction), so the reset query per request would only cost time.
    """


class Pool(asyncpg.Pool):
    """asyncpg's pool that also knows how long a request may wait for a connection."""

    __slots__ = ("acquire_timeout",)


def _milliseconds(seconds: float) -> str:
    return str(max(1, round(seconds * 1000)))


def _server_settings(statement_timeout_s: float) -> dict[str, str]:
    # A fixed search path and UTC make the cached statements and dates deterministic;
    # the statement timeout stops one expensive query from holding a connection.
    return {
        "search_path": "public",
        "TimeZone": "UTC",
        "jit": "off",
        "statement_timeout": _milliseconds(statement_timeout_s),
    }


@asynccontextmanager
async def single_connection(
    dsn: str, statement_timeout_s: float
) -> AsyncIterator[asyncpg.Connection]:
    """One connection outside the pool (for a worker process), set up like the pool's."""
    try:
        conn = await asyncpg.connect(dsn, server_settings=_server_settings(statement_timeout_s))
        try:
            await _init_connection(conn)
            yield conn
        finally:
            await conn.close()
    except asyncpg.PostgresError as exc:
        raise translate(exc) from None
    except (OSError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"the database is not available: {exc}") from None


async def create_pool(settings: Settings, dsn: str | None = None) -> Pool:
    """Open a pool (on `dsn`, else the primary); an unreachable database is `Unavailable`."""
    pool = Pool(
        dsn or settings.dsn,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        init=_init_connection,
        reset=_keep_session,
        server_settings=_server_settings(settings.statement_timeout_s),
    )
    pool.acquire_timeout = settings.pool_acquire_timeout_s
    try:
        await pool
    except (OSError, asyncpg.PostgresError) as exc:
        raise Unavailable(f"cannot connect to the database: {exc}") from exc
    return pool


async def set_statement_timeout(conn: asyncpg.Connection, seconds: float) -> None:
    """Another statement timeout until the end of the current transaction."""
    await conn.execute("SELECT set_config('statement_timeout', $1, true)", _milliseconds(seconds))


def translate(exc: asyncpg.PostgresError) -> AppError:
    """Map a database error to the error the caller sees."""
    if getattr(exc, "constraint_name", None) == "measures_within_region":
        return InvalidMeasure(
            "the measure was not stored: its geometry lies outside the 17 municipalities",
            errors=[messages.problem("/geometry", "geometry.outside_region")],
            code="measure.not_stored",
        )
    if isinstance(exc, asyncpg.DataError | asyncpg.InvalidTextRepresentationError):
        return InvalidParameter(f"a value was not accepted by the database: {exc}")
    if isinstance(exc, asyncpg.exceptions.QueryCanceledError):
        return Unavailable("the query took too long and was cancelled", refusal="statement_timeout")
    if isinstance(exc, CONNECTION_LOST):
        return Unavailable("the database is not available")
    return AppError("the database reported an error; it has been logged")


@asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection; database errors leave as AppErrors.

    Waiting for a free connection is bounded (the pool's `acquire_timeout`): a busy
    service answers 503 with Retry-After at once instead of queueing requests for minutes.
    """
    try:
        # The pool's own context manager (not acquire/release) so that a routing pool
        # sees how the work on the connection ended (a replica lost mid-query).
        async with contextlib.AsyncExitStack() as stack:
            acquiring = pool.acquire(timeout=getattr(pool, "acquire_timeout", None))
            try:
                conn = await stack.enter_async_context(acquiring)
            except TimeoutError:  # caught here: it is an OSError too
                raise Unavailable(
                    "all database connections are busy; retry shortly", refusal="pool"
                ) from None
            yield conn
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    except (OSError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"the database is not available: {exc}") from exc
    except asyncpg.InternalClientError as exc:
        # A connection lost mid-query hands its holder back to the pool by itself; the
        # release at the end then finds a free holder. The cause is the lost database.
        raise Unavailable("the database connection was lost; retry shortly") from exc
