"""`GET /kommunen/{ags}`: a city's report as a council paper, its JSON and its CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.services import loading

GELSENKIRCHEN = "05513000"
pytestmark = pytest.mark.usefixtures("demo", "demo_baselines")


@pytest.fixture
async def demo_baselines(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[None]:
    """The demo baselines of the 17 cities, removed afterwards."""
    await loading.load_demo_baselines(dsn)
    yield
    await pool.execute("DELETE FROM municipality_baselines")


async def _report(client: httpx.AsyncClient, ags: str = GELSENKIRCHEN) -> dict:
    response = await client.get(f"/kommunen/{ags}", params={"f": "json"})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_figures_are_those_of_statistics_in_hectares(client: httpx.AsyncClient) -> None:
    doc = await _report(client)
    place = (await client.get("/statistics", params={"municipality": GELSENKIRCHEN})).json()
    city = place["targets"]["by_municipality"][0]
    d, e = doc["targets"]["disconnection"], doc["targets"]["evaporation"]
    assert d["achieved_ha"] == round(city["disconnection"]["achieved_m2"] / 1e4, 2)
    assert d["target_ha"] == round(0.25 * city["sealed_area_m2"] / 1e4, 1)
    assert e["target_m3"] == round(city["evaporation"]["target_m3"])
    # +10 pp means a tenth of the rain on the sealed area.
    assert e["target_m3"] == pytest.approx(0.1 * e["rain_on_sealed_m3"], abs=1)
    assert doc["path"][-1]["cumulative_ha"] == pytest.approx(d["achieved_ha"], abs=0.01)
    assert doc["stand"] and doc["stand_local"]
    # Achieved by type adds up to the progress; cancelled is never added.
    achieved_ha = sum(t["completed_ha"] for t in doc["by_type"])
    assert achieved_ha == pytest.approx(d["achieved_ha"], abs=0.05)
    statuses = {s["status"]: s for s in doc["by_status"]}
    assert statuses["cancelled"]["in_totals"] is False
    assert statuses["completed"]["count"] == doc["comparison"]["achieved_count"]


async def test_the_region_stands_beside_the_city(client: httpx.AsyncClient) -> None:
    doc = await _report(client)
    region = (await client.get("/statistics")).json()["targets"]
    assert doc["region"]["target_reached_pct"] == round(
        100 * region["disconnection"]["target_reached"], 1
    )
    page = await client.get(f"/kommunen/{GELSENKIRCHEN}")
    assert "Zum Vergleich die ganze Region" in page.text


async def test_the_rank_is_the_comparisons(client: httpx.AsyncClient) -> None:
    compared = (await client.get("/kommunen", params={"f": "json"})).json()["municipalities"]
    for row in compared[:3]:
        doc = await _report(client, row["ags"])
        assert (doc["rank"], doc["ranked"]) == (row["rank"], 17)


async def test_types_without_an_effect_say_why_in_german(client: httpx.AsyncClient) -> None:
    doc = await _report(client)
    silent = {t["type"]: t for t in doc["by_type"] if not t["effect_computed"]}
    assert "retention_area" in silent
    assert "verzögert den Abfluss" in silent["retention_area"]["reason_de"]
    unsealing = next(t for t in doc["by_type"] if t["type"] == "unsealing")
    assert unsealing["effect_computed"]


async def test_the_page_is_a_council_paper(client: httpx.AsyncClient) -> None:
    page = await client.get(f"/kommunen/{GELSENKIRCHEN}", headers={"Accept": "text/html"})
    html = page.text
    assert page.status_code == 200 and page.headers["content-language"] == "de"
    assert "Stand" in html and " Uhr" in html
    assert "Rang " in html and " von 17" in html
    assert "Zehn Prozentpunkte mehr Verdunstung" in html and "m³ im Jahr" in html
    for table in ("kw-table-path", "kw-table-evaporation", "kw-table-types", "kw-table-status"):
        assert f'id="{table}"' in html
    assert "abgebrochen (nicht in den Summen)" in html and "Geplant" in html
    assert "Demo-Wert (18 % der Gemeindefläche, keine Erhebung)" in html
    assert "klimawerk baseline set" not in html  # the raw demo source stays in the data
    assert 'class="print-footer"' in html and "/kommunen/05513000" in html
    assert "AGS 05513000 · ·" not in html


async def test_the_csv_holds_the_pages_figures(client: httpx.AsyncClient) -> None:
    doc = await _report(client)
    response = await client.get(f"/kommunen/{GELSENKIRCHEN}", params={"f": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert f"kommune-{GELSENKIRCHEN}.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    sections = {r[0] for r in rows[1:]}
    assert {"municipality", "rank", "baseline", "path", "by_type", "by_status"} <= sections
    target = {r[1]: r[2] for r in rows if r[0] == "target_disconnection"}
    assert float(target["achieved_ha"]) == doc["targets"]["disconnection"]["achieved_ha"]
    years = [r for r in rows if r[0] == "path" and r[1].isdigit()]
    assert len(years) == len([p for p in doc["path"] if p["year"]])


async def test_an_unknown_city_is_a_page_or_a_problem(client: httpx.AsyncClient) -> None:
    page = await client.get("/kommunen/99999999")
    assert page.status_code == 404 and "Nicht gefunden" in page.text
    problem = await client.get("/kommunen/99999999", params={"f": "json"})
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("query", ["f=pdf", "f=", "f=csv&f=json", "colour=red", "f=%D9%A3"])
async def test_bad_parameters_are_problems(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/kommunen/{GELSENKIRCHEN}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_without_a_baseline_the_page_says_so(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    await pool.execute("DELETE FROM municipality_baselines WHERE ags = $1", GELSENKIRCHEN)
    page = await client.get(f"/kommunen/{GELSENKIRCHEN}")
    assert page.status_code == 200 and "keine Ausgangslage" in page.text
    assert (await client.get(f"/kommunen/{GELSENKIRCHEN}", params={"f": "json"})).json() is None
    csv_answer = await client.get(f"/kommunen/{GELSENKIRCHEN}", params={"f": "csv"})
    assert csv_answer.status_code == 404
