"""The seam between the database and the caller: what a PostgreSQL error means is said
once (app/db/session.translate), with real errors from PostGIS."""

from __future__ import annotations

import asyncpg
import pytest

from app.db import routing
from app.db.session import CONNECTION_LOST, translate
from app.domain.region import OUTSIDE
from app.errors import AppError, InvalidMeasure, Unavailable


async def check_violation(conn: asyncpg.Connection, constraint: str) -> asyncpg.CheckViolationError:
    """A real check violation of a constraint named `constraint`."""
    await conn.execute(f'CREATE TEMP TABLE checked (x int CONSTRAINT "{constraint}" CHECK (x > 0))')
    with pytest.raises(asyncpg.CheckViolationError) as caught:
        async with conn.transaction():
            await conn.execute("INSERT INTO checked VALUES (-1)")
    return caught.value


async def test_the_region_check_is_the_measure_s_fault(conn: asyncpg.Connection) -> None:
    error = translate(await check_violation(conn, "measures_within_region"))
    assert isinstance(error, InvalidMeasure)
    assert [(e["where"], e["code"], e["problem"]) for e in error.errors] == [
        ("/geometry", "geometry.outside_region", OUTSIDE)
    ]


async def test_another_check_is_not_called_outside_the_region(conn: asyncpg.Connection) -> None:
    error = translate(await check_violation(conn, "some_other_check"))
    assert not isinstance(error, InvalidMeasure) and isinstance(error, AppError)
    assert OUTSIDE not in str(error)


def test_one_list_of_connection_losses() -> None:
    assert routing.LOST is CONNECTION_LOST
    assert isinstance(translate(asyncpg.CannotConnectNowError("starting")), Unavailable)
    assert isinstance(translate(asyncpg.AdminShutdownError("bye")), Unavailable)
