"""A server at the DEFAULT settings (rate limit included) and partner keys, for the
clients that write: OWSLib and the request sequence of QGIS."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from tests.factories import create_key
from tests.servers import served


@pytest.fixture(scope="module")
def default_server(dsn: str) -> Iterator[str]:
    """The registry as `make run` serves it: no setting changed."""
    with served(dsn) as (base, _):
        yield base


@pytest.fixture
async def partner_key(pool: asyncpg.Pool) -> str:
    """A fresh partner key (Vivawest, every municipality)."""
    return (await create_key(pool, "Vivawest", "partner"))[1]


@pytest.fixture
async def reviewer_key(pool: asyncpg.Pool) -> str:
    """A fresh reviewer key for the whole region."""
    return (await create_key(pool, "Emschergenossenschaft", "reviewer"))[1]
