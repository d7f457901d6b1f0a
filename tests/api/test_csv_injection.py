"""CSV exports and statistics write formula-looking text as text (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import asyncpg
import httpx
import shapely

from app.domain.statistics import as_csv
from tests.factories import insert_measure

TITLES = ['=HYPERLINK("http://evil.example","Förderung")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)"]


async def test_export_cells_are_neutralised(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        ids = [
            (await insert_measure(conn, shapely.Point(7.05, 51.51), type="cistern", title=t))["id"]
            for t in TITLES
        ]
    try:
        response = await client.get(
            "/collections/measures/items",
            params={"f": "csv", "filter": "title LIKE '%(%' OR title LIKE '@%' OR title LIKE '+%'"},
        )
        assert response.status_code == 200
        titles = {row["title"] for row in csv.DictReader(io.StringIO(response.text))}
        assert titles >= {"'" + t for t in TITLES}
        assert not any(t.startswith(("=", "+", "@", "-")) for t in titles)
    finally:
        await pool.execute("DELETE FROM measures WHERE id = ANY($1::uuid[])", ids)


def test_statistics_csv_uses_the_same_rule() -> None:
    figures = dict.fromkeys(
        ("count", "area_m2", "disconnected_area_m2", "runoff_avoided_m3"), -1.5
    ) | {"extra_evaporation_m3": 0, "extra_infiltration_m3": 0}
    doc = {
        "totals": figures,
        "by_type": [{"type": "=1+1", **figures}],
        "by_status": [],
        "by_year": [],
        "by_municipality": [],
    }
    rows = list(csv.reader(io.StringIO(as_csv(doc))))
    assert rows[2][:3] == ["type", "'=1+1", "-1.5"]  # text quoted, numbers left alone
