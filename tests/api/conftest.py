"""API keys for the roles, stored through the real key SQL."""

from __future__ import annotations

import asyncpg
import pytest

from tests.factories import create_key

GELSENKIRCHEN, ESSEN = "05513000", "05113000"


async def make_key(
    pool: asyncpg.Pool, partner: str, role: str, municipalities: list[str] | None = None
) -> dict[str, str]:
    key_id, secret = await create_key(pool, partner, role, municipalities)
    return {"Authorization": f"Bearer {secret}", "_id": str(key_id)}


@pytest.fixture(scope="session")
async def roles(pool: asyncpg.Pool) -> dict[str, dict[str, str]]:
    """Headers for each role: two partners, a Gelsenkirchen reviewer, an admin."""
    return {
        "partner": await make_key(pool, "Vivawest", "partner"),
        "other_partner": await make_key(pool, "Vonovia", "partner"),
        "reviewer": await make_key(pool, "Stadt Gelsenkirchen", "reviewer", [GELSENKIRCHEN]),
        "essen_reviewer": await make_key(pool, "Stadt Essen", "reviewer", [ESSEN]),
        "admin": await make_key(pool, "Emschergenossenschaft", "admin"),
    }


def auth(headers: dict[str, str]) -> dict[str, str]:
    """Request headers without the test's bookkeeping."""
    return {k: v for k, v in headers.items() if not k.startswith("_")}
