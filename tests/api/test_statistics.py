"""/statistics equals brute-force sums over the items of the same filter."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.domain.catalogue import load_catalogue
from app.domain.water_balance import default_climate, effect_or_reason
from app.services import loading
from tests.api.conftest import auth

pytestmark = pytest.mark.usefixtures("demo")
GELSENKIRCHEN = "05513000"


async def all_items(client: httpx.AsyncClient, params: dict) -> list[dict]:
    features, url, query = [], "/collections/measures/items", {**params, "limit": 10000}
    while url:
        body = (await client.get(url, params=query)).json()
        features += body["features"]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        query = None
    return features


def brute_force(features: list[dict]) -> dict[str, float]:
    """Sums over the items' own properties (cancelled ones left out, as the totals do),
    and the pure rule applied to each item at its municipality's default climate."""
    catalogue = load_catalogue()
    totals = {
        "count": 0,
        "area_m2": 0.0,
        "runoff_avoided_m3": 0.0,
        "extra_evaporation_m3": 0.0,
        "rule_runoff_avoided_m3": 0.0,
    }
    for f in features:
        p = f["properties"]
        if p["status"] == "cancelled":
            continue
        totals["count"] += 1
        totals["area_m2"] += p["area_m2"]
        totals["runoff_avoided_m3"] += p["runoff_avoided_m3"] or 0.0
        totals["extra_evaporation_m3"] += p["extra_evaporation_m3"] or 0.0
        effect = effect_or_reason(
            catalogue.types[p["type"]], p, p["area_m2"], default_climate(p["municipality"])
        )
        totals["rule_runoff_avoided_m3"] += effect.runoff_avoided_m3 or 0.0
    return totals


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"municipality": GELSENKIRCHEN},
        {"type": "swale"},
        {"status": "completed"},
        {"type": "green_roof_extensive,unsealing", "municipality": "05113000"},
        {"filter": "area_m2 > 200"},
    ],
)
async def test_totals_equal_the_items_of_the_same_filter(
    client: httpx.AsyncClient, params: dict
) -> None:
    stats = (await client.get("/statistics", params=params)).json()
    items = await all_items(client, params)
    expected = brute_force(items)
    assert stats["totals"]["count"] == expected["count"] > 0
    for name in ("area_m2", "runoff_avoided_m3", "extra_evaporation_m3"):
        # items round areas to 0.01 m² and volumes to 0.1 m³
        assert stats["totals"][name] == pytest.approx(expected[name], rel=1e-4, abs=1.0)
    assert stats["totals"]["runoff_avoided_m3"] == pytest.approx(
        expected["rule_runoff_avoided_m3"], rel=1e-3
    )
    assert sum(r["count"] for r in stats["by_type"]) == expected["count"]
    # By status shows every status, cancelled too, marked as not in the totals.
    assert sum(r["count"] for r in stats["by_status"]) == len(items)
    for row in stats["by_status"]:
        assert row["in_totals"] is (row["status"] != "cancelled")


async def test_year_series_counts_completions(client: httpx.AsyncClient) -> None:
    stats = (await client.get("/statistics")).json()
    completed = [f for f in await all_items(client, {"status": "completed"})]
    years = {r["year"]: r["count"] for r in stats["by_year"] if r["year"] is not None}
    assert sum(years.values()) == len(completed)
    only_2024 = (await client.get("/statistics", params={"year": "2024"})).json()
    assert only_2024["totals"]["count"] == years.get(2024, 0) > 0


async def test_progress_without_and_with_a_baseline(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict
) -> None:
    await pool.execute("DELETE FROM municipality_baselines")
    none = (await client.get("/statistics", params={"municipality": GELSENKIRCHEN})).json()
    assert none["targets"]["baseline"] == "no baseline"
    await pool.execute(
        "INSERT INTO municipality_baselines (ags, sealed_area_m2, sealed_source, sealed_year,"
        " is_demo) VALUES ($1, 20000000, 'demo value', 2024, true)",
        GELSENKIRCHEN,
    )
    scope = {"municipality": GELSENKIRCHEN}
    try:
        stats = (await client.get("/statistics", params=scope)).json()
        planned = (await client.get("/statistics", params={**scope, "status": "planned"})).json()
        swales = (await client.get("/statistics", params={**scope, "type": "swale"})).json()
        reviewer = (
            await client.get("/statistics", params=scope, headers=auth(roles["reviewer"]))
        ).json()
    finally:
        await pool.execute("DELETE FROM municipality_baselines")
    # Achieved: completed and published (anonymous callers list exactly those).
    done = await all_items(client, {**scope, "status": "completed"})
    disconnected = sum(f["properties"]["disconnected_area_m2"] or 0 for f in done)
    evaporation = sum(f["properties"]["extra_evaporation_m3"] or 0 for f in done)
    target = stats["targets"]["disconnection"]
    assert disconnected > 0
    assert target["achieved_m2"] == pytest.approx(disconnected, abs=1.0)
    assert target["share"] == pytest.approx(disconnected / 20_000_000, rel=1e-3)
    assert target["target_reached"] == pytest.approx(target["share"] / 0.25, rel=1e-3)
    assert target["remaining_m2"] == pytest.approx(5_000_000 - disconnected, abs=1.0)
    assert target["remaining_ha"] == pytest.approx(target["remaining_m2"] / 10_000, abs=0.01)
    assert stats["targets"]["evaporation"]["achieved_m3"] == pytest.approx(evaporation, abs=1.0)
    place = stats["targets"]["by_municipality"][0]
    assert (place["sealed_source"], place["sealed_year"], place["is_demo"]) == (
        "demo value",
        2024,
        True,
    )
    assert place["climate"]["is_default"]
    assert place["climate"]["precipitation_mm"] == default_climate(place["ags"]).precipitation_mm
    # The path is cumulative by completion year and ends at the achieved total.
    path = stats["targets"]["path"]
    assert [p["year"] for p in path] == sorted(p["year"] for p in path)
    assert path[-1]["cumulative_disconnected_m2"] == pytest.approx(disconnected, abs=1.0)
    # The same for every filter and caller; the reviewer sees its unpublished apart.
    for other in (planned, swales, reviewer):
        assert other["targets"]["disconnection"] == target
    assert stats["targets"]["unpublished"] is None
    hidden = reviewer["targets"]["unpublished"]
    assert hidden and "not counted" in hidden["label"] and hidden["count"] > 0


async def test_csv(client: httpx.AsyncClient) -> None:
    response = await client.get("/statistics", params={"f": "csv", "type": "cistern"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    total = next(r for r in rows if r["group"] == "total")
    assert int(total["count"]) == sum(int(r["count"]) for r in rows if r["group"] == "type")


@pytest.mark.parametrize("query", ["f=xml", "year=20x4", "colour=red", "type=pond"])
async def test_bad_statistics_parameters(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/statistics?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_write_shows_in_the_next_statistics(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    from shapely.geometry import Point

    from tests.factories import insert_measure

    before = (await client.get("/statistics", params={"type": "cistern"})).json()
    assert (await client.get("/statistics", params={"type": "cistern"})).json() == before
    async with pool.acquire() as conn:
        row = await insert_measure(conn, Point(7.01, 51.45), type="cistern")
    try:
        after = (await client.get("/statistics", params={"type": "cistern"})).json()
        assert after["totals"]["count"] == before["totals"]["count"] + 1
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
    again = (await client.get("/statistics", params={"type": "cistern"})).json()
    assert again["totals"]["count"] == before["totals"]["count"]


async def test_admins_set_baselines_over_http(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    url = f"/statistics/baselines/{GELSENKIRCHEN}"
    body = {
        "sealed_area_m2": 30_000_000,
        "sealed_source": "Versiegelung 2022",
        "sealed_year": 2022,
        "is_demo": True,
    }
    try:
        assert (await client.put(url, json=body)).status_code == 401
        assert (
            await client.put(url, json=body, headers=auth(roles["reviewer"]))
        ).status_code == 403
        bad = await client.put(
            url, json={"sealed_area_m2": -1, "colour": 1}, headers=auth(roles["admin"])
        )
        assert bad.status_code == 422
        assert {e["where"] for e in bad.json()["errors"]} >= {"/sealed_area_m2", "/colour"}
        ok = await client.put(url, json=body, headers=auth(roles["admin"]))
        assert ok.status_code == 200 and ok.json()["sealed_area_m2"] == 30_000_000
        listed = (await client.get("/statistics/baselines")).json()["baselines"]
        assert next(b for b in listed if b["ags"] == GELSENKIRCHEN)["sealed_year"] == 2022
        stats = (await client.get("/statistics", params={"municipality": GELSENKIRCHEN})).json()
        assert stats["targets"]["sealed_area_m2"] == 30_000_000
        # A partial update changes only what it sends: is_demo stays.
        partial = await client.put(url, json={"sealed_year": 2023}, headers=auth(roles["admin"]))
        assert partial.status_code == 200, partial.text
        assert (partial.json()["sealed_year"], partial.json()["is_demo"]) == (2023, True)
        assert partial.json()["sealed_area_m2"] == 30_000_000
        climate = await client.put(
            url,
            json={"precipitation_mm": 2500, "climate_source": "x"},
            headers=auth(roles["admin"]),
        )
        assert climate.status_code == 422 and "1700" in climate.text
    finally:
        await pool.execute("DELETE FROM municipality_baselines")


@pytest.fixture
async def demo_baselines(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[None]:
    """The demo baselines of the 17 cities, removed afterwards."""
    await loading.load_demo_baselines(dsn)
    yield
    await pool.execute("DELETE FROM municipality_baselines")


@pytest.mark.usefixtures("demo", "demo_baselines")
async def test_csv_names_the_municipalities_and_carries_the_targets(
    client: httpx.AsyncClient,
) -> None:
    doc = (await client.get("/statistics")).json()
    assert len(doc["targets"]["by_municipality"]) == 17
    response = await client.get("/statistics", params={"f": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    cities = [r for r in rows if r["group"] == "municipality"]
    assert {r["name"] for r in cities} >= {"Gelsenkirchen", "Mülheim an der Ruhr"}
    standing = {p["ags"]: p for p in doc["targets"]["by_municipality"]}
    for row in cities:
        place = standing[row["key"]]
        assert float(row["sealed_area_m2"]) == place["sealed_area_m2"]
        assert float(row["achieved_disconnected_m2"]) == place["disconnection"]["achieved_m2"]
        assert float(row["disconnection_target_reached"]) == pytest.approx(
            place["disconnection"]["target_reached"], abs=1e-5
        )
        assert float(row["evaporation_change_pp"]) == pytest.approx(
            place["evaporation"]["change_pp"], abs=1e-4
        )
    total = next(r for r in rows if r["group"] == "total")
    assert float(total["disconnection_target_reached"]) == pytest.approx(
        doc["targets"]["disconnection"]["target_reached"], abs=1e-5
    )
    types = [r for r in rows if r["group"] == "type"]
    assert "Dachbegrünung extensiv" in {r["name"] for r in types}


@pytest.mark.usefixtures("demo", "demo_baselines")
async def test_shading_classes_come_from_the_data(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/statistics")).json()
    progress = doc["shading"]["progress"]
    assert len(progress) == 4 and progress == sorted(progress)
    reached = [p["disconnection"]["target_reached"] for p in doc["targets"]["by_municipality"]]
    assert min(reached) < progress[0] and progress[-1] < max(reached)
    for row in doc["by_municipality"]:
        sealed = next(
            p["sealed_area_m2"]
            for p in doc["targets"]["by_municipality"]
            if p["ags"] == row["municipality"]
        )
        assert row["per_km2_sealed"] == round(row["count"] / (sealed / 1e6), 2)
    assert len(doc["shading"]["per_km2_sealed"]) == 4
