"""`PUT /statistics/baselines/{ags}` changes only what is sent."""

from __future__ import annotations

import asyncpg
import httpx

from app.services import impacts
from tests.api.conftest import GELSENKIRCHEN, auth


async def _no_baselines(pool: asyncpg.Pool) -> None:
    """Remove every baseline and store the impacts at the default climate again, as a
    baseline change through the API would (later tests compare them with the rule)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM municipality_baselines")
        await impacts.store_impacts(conn, "measures")


async def test_a_partial_put_keeps_the_rest_and_the_demo_mark(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    url = f"/statistics/baselines/{GELSENKIRCHEN}"
    admin = auth(roles["admin"])
    demo = {"sealed_area_m2": 20_000_000, "sealed_source": "demo value", "is_demo": True}
    try:
        assert (await client.put(url, json=demo, headers=admin)).status_code == 200
        changed = await client.put(
            url, json={"precipitation_mm": 850, "precipitation_source": "DWD"}, headers=admin
        )
        assert changed.status_code == 200
        row = changed.json()
        assert row["precipitation_mm"] == 850
        assert row["sealed_area_m2"] == 20_000_000 and row["sealed_source"] == "demo value"
        assert row["is_demo"] is True  # not silently turned into a real baseline
        real = await client.put(url, json={"is_demo": False}, headers=admin)
        assert real.json()["is_demo"] is False and real.json()["precipitation_mm"] == 850
    finally:
        await _no_baselines(pool)


async def test_a_new_baseline_is_not_demo_unless_said(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    await pool.execute("DELETE FROM municipality_baselines")
    try:
        response = await client.put(
            f"/statistics/baselines/{GELSENKIRCHEN}",
            json={"precipitation_mm": 800, "precipitation_source": "DWD"},
            headers=auth(roles["admin"]),
        )
        assert response.status_code == 200 and response.json()["is_demo"] is False
    finally:
        await _no_baselines(pool)
