"""`GET /kommunen`: the 17 cities side by side, in HTML, JSON and CSV, with the
figures of `/statistics`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.services import loading

pytestmark = pytest.mark.usefixtures("demo", "demo_baselines")


@pytest.fixture
async def demo_baselines(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[None]:
    """The demo baselines of the 17 cities, removed afterwards."""
    await loading.load_demo_baselines(dsn)
    yield
    await pool.execute("DELETE FROM municipality_baselines")


async def test_json_has_one_ranked_row_per_city_matching_statistics(
    client: httpx.AsyncClient,
) -> None:
    doc = (await client.get("/kommunen", params={"f": "json"})).json()
    stats = (await client.get("/statistics")).json()["targets"]
    rows = doc["municipalities"]
    assert len(rows) == 17 and [r["rank"] for r in rows] == list(range(1, 18))
    reached = [r["disconnection_target_pct"] for r in rows]
    assert reached == sorted(reached, reverse=True)
    standing = {p["ags"]: p for p in stats["by_municipality"]}
    for row in rows:
        place = standing[row["ags"]]
        assert row["disconnected_ha"] == round(place["disconnection"]["achieved_m2"] / 1e4, 2)
        assert row["disconnection_target_pct"] == round(
            100 * place["disconnection"]["target_reached"], 1
        )
        assert row["evaporation_change_pp"] == round(place["evaporation"]["change_pp"], 2)
        assert row["is_demo"] is True and row["sealed_year"]
        assert row["achieved_count"] > 0 and row["open_count"] > 0
        assert row["per_km2_sealed"] == round(
            row["achieved_count"] / (place["sealed_area_m2"] / 1e6), 1
        )
        assert [y["year"] for y in row["recent_years"]] == doc["recent_years"]
        assert row["report"] == f"/kommunen/{row['ags']}"
    assert len(doc["recent_years"]) == 3 and doc["stand"] and doc["stand_local"]
    # Achieved counts add up to the region's achieved measures.
    achieved = (await client.get("/statistics")).json()["achieved"]["count"]
    assert sum(r["achieved_count"] for r in rows) == achieved


async def test_csv_has_the_same_rows(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/kommunen", params={"f": "json"})).json()
    response = await client.get("/kommunen", params={"f": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "kommunen.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["name"] for r in rows] == [r["name"] for r in doc["municipalities"]]
    first, year = rows[0], doc["recent_years"][-1]
    assert (
        float(first["disconnection_target_pct"])
        == doc["municipalities"][0]["disconnection_target_pct"]
    )
    assert f"disconnected_ha_{year}" in first


async def test_the_page_is_german_with_a_sortable_table(client: httpx.AsyncClient) -> None:
    response = await client.get("/kommunen", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "de"
    html = response.text
    assert "Die 17 Kommunen im Vergleich" in html and "Stand:" in html
    assert "% des 25-%-Ziels" in html and "Demo" in html
    assert html.count('<th scope="row"') == 17
    assert 'href="/kommunen/05513000"' in html
    assert re.search(r"/assets/[0-9a-f]{16}/pages/kommunen\.js", html)
    # German numbers: a decimal comma, a thousands point.
    assert " %" in html and "," in html
    english = await client.get("/kommunen", params={"lang": "en"})
    assert "The 17 cities side by side" in english.text


@pytest.mark.parametrize(
    "query",
    ["f=xml", "f=", "f=json&f=csv", "f=JSON", "f=%C2%B2", "sort=name", "lang=de&x=1"],
)
async def test_bad_parameters_are_problems(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/kommunen?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_unchanged_data_answers_304(client: httpx.AsyncClient) -> None:
    first = await client.get("/kommunen", params={"f": "json"})
    again = await client.get(
        "/kommunen", params={"f": "json"}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
