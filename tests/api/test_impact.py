"""Stored impacts equal the pure rule on every path: API write, demo loader, importer,
and the refresh after a climate change; and the preview (POST /impact) says the same."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import shapely

from app.domain.catalogue import load_catalogue
from app.domain.water_balance import PARAMETERS, Climate, climate_of, effect_or_reason
from app.schemas.baseline import BaselineInput
from app.services import baselines, loading
from app.services.importing import import_file
from app.sql import statistics
from tests.api.conftest import auth
from tests.services.test_importing import write_file

NAN = float("nan")
ITEMS = "/collections/measures/items"
ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.10014, 51.52], [7.10014, 51.52009], [7.1, 51.52009], [7.1, 51.52]]
    ],
}
COLUMNS = ("type", "area_m2", "municipality", "disconnected_area_m2", "retention_volume_m3")
SELECT = (
    f"SELECT id, {', '.join((*COLUMNS, *PARAMETERS))}, runoff_avoided_m3, extra_evaporation_m3,"
    " extra_infiltration_m3 FROM measures WHERE deleted_at IS NULL AND {where}"
)


async def _climates(conn: Any) -> dict[str, Climate]:
    rows = await statistics.select_baselines(conn)
    return {r["ags"]: climate_of(r["ags"], dict(r)) for r in rows}


def _pure(row: Any, climates: dict[str, Climate]) -> tuple:
    effect = effect_or_reason(
        load_catalogue().types[row["type"]],
        dict(row),
        row["area_m2"],
        climates[row["municipality"]],
    )
    return effect.runoff_avoided_m3, effect.extra_evaporation_m3, effect.extra_infiltration_m3


def _assert_stored_equal_pure(rows: list, climates: dict[str, Climate]) -> None:
    assert rows
    for row in rows:
        expected = _pure(row, climates)
        stored = (
            row["runoff_avoided_m3"],
            row["extra_evaporation_m3"],
            row["extra_infiltration_m3"],
        )
        if expected[0] is None:
            assert stored == (None, None, None), row["type"]
        else:
            assert stored == pytest.approx(expected, rel=1e-9, abs=1e-9), row["type"]


def feature(**props: Any) -> dict:
    return {
        "type": "Feature",
        "geometry": copy.deepcopy(ROOF),
        "properties": {
            "type": "green_roof_extensive",
            "title": "Dach",
            "status": "planned",
            **props,
        },
    }


@pytest.mark.usefixtures("clean")
async def test_api_writes_store_the_previews_figures(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict
) -> None:
    doc = feature(substrate_depth_mm=120, surface_before="flat_roof_gravel")
    preview = (await client.post("/impact", json=doc)).json()
    created = await client.post(ITEMS, json=doc, headers=auth(roles["admin"]))
    assert created.status_code == 201, created.text
    props = created.json()["properties"]
    for name in ("runoff_avoided_m3", "extra_evaporation_m3", "extra_infiltration_m3"):
        assert props[name] == preview[name]
    assert props["substrate_depth_mm"] == 120 and props["surface_before"] == "flat_roof_gravel"
    # A patch of a parameter re-stores the figures.
    patched = await client.patch(
        created.headers["Location"],
        json={"properties": {"substrate_depth_mm": 300}},
        headers={**auth(roles["admin"]), "If-Match": created.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.text
    # Deeper substrate, less runoff: more avoided than before.
    assert patched.json()["properties"]["runoff_avoided_m3"] > props["runoff_avoided_m3"]
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT.format(where="true"))
        _assert_stored_equal_pure(rows, await _climates(conn))
    assert rows[0]["substrate_depth_mm"] == 300


@pytest.mark.usefixtures("demo")
async def test_the_demo_loader_stores_the_pure_figures(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT.format(where="source = 'demo'"))
        _assert_stored_equal_pure(rows, await _climates(conn))
    computed = {r["type"] for r in rows if r["runoff_avoided_m3"] is not None}
    assert {"green_roof_extensive", "swale", "cistern", "permeable_paving"} <= computed
    assert not {
        r["type"] for r in rows if r["type"] == "facade_greening" and r["runoff_avoided_m3"]
    }


@pytest.mark.usefixtures("clean")
async def test_the_importer_stores_the_pure_figures(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    boxes = [
        shapely.box(7.10 + i * 1e-4, 51.52, 7.10 + i * 1e-4 + 5e-5, 51.52 + 5e-5) for i in range(4)
    ]
    path = write_file(
        tmp_path / "mixed.geojson",
        boxes,
        {
            "type": ["green_roof_intensive", "swale", "permeable_paving", "facade_greening"],
            "title": ["A", "B", "C", "D"],
            "disconnected_area_m2": [NAN, 300.0, NAN, NAN],
            "paving_kind": ["", "", "grass_pavers", ""],
            "kf_mm_h": [NAN, 100.0, NAN, NAN],
        },
    )
    report = await import_file(dsn, path, partner="Stadtwerke")
    assert (report.imported, report.rejected) == (4, [])
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT.format(where="true"))
        _assert_stored_equal_pure(rows, await _climates(conn))
    assert sum(r["runoff_avoided_m3"] is not None for r in rows) == 3


@pytest.mark.usefixtures("clean")
async def test_a_new_climate_restores_the_figures_without_new_versions(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict
) -> None:
    created = await client.post(ITEMS, json=feature(), headers=auth(roles["admin"]))
    before = created.json()["properties"]["runoff_avoided_m3"]
    try:
        async with pool.acquire() as conn:
            await baselines.set_baseline(
                conn,
                "05513000",
                BaselineInput(precipitation_mm=1000.0, etp_mm=550.0, climate_source="test"),
            )
            rows = await conn.fetch(SELECT.format(where="true"))
            _assert_stored_equal_pure(rows, await _climates(conn))
            version = await conn.fetchval("SELECT version FROM measures")
            history = await conn.fetchval("SELECT count(*) FROM measure_history")
        assert rows[0]["runoff_avoided_m3"] != pytest.approx(before, abs=0.1)
        assert (version, history) == (1, 0)
        what_if = await client.post("/impact?precipitation_mm=1000&etp_mm=550", json=feature())
        assert what_if.json()["runoff_avoided_m3"] == round(rows[0]["runoff_avoided_m3"], 1)
    finally:
        await pool.execute("DELETE FROM municipality_baselines")


async def test_the_preview_answers_everything_a_form_needs(client: httpx.AsyncClient) -> None:
    response = await client.post("/impact", json=feature())
    assert response.status_code == 200
    body = response.json()
    assert body["computed"] and body["municipality"] == "05513000"
    assert (
        body["before"]["element"] == "flat_roof_rough" and body["after"]["element"] == "green_roof"
    )
    assert body["climate"]["source"] == "municipality default" and body["climate"]["is_default"]
    assert "Gründach" in body["source"] and "ln P" in body["formula"]
    rain = body["area_m2"] * body["climate"]["precipitation_mm"] / 1000
    avoided = rain * (body["before"]["runoff"] - body["after"]["runoff"])
    assert body["runoff_avoided_m3"] == pytest.approx(avoided, abs=0.1)


async def test_the_preview_says_why_there_is_no_effect(client: httpx.AsyncClient) -> None:
    line = {"type": "LineString", "coordinates": [[7.1, 51.52], [7.1005, 51.52]]}
    doc = {**feature(type="facade_greening"), "geometry": line}
    body = (await client.post("/impact", json=doc)).json()
    assert body["computed"] is False and body["runoff_avoided_m3"] is None
    assert "no element of DWA-M 102-4" in body["reason"]


@pytest.mark.parametrize(
    ("query", "props", "where", "text"),
    [
        ("", {"substrate_depth_mm": 900}, "/properties/substrate_depth_mm", "outside 40..500"),
        ("", {"status": "completed"}, "/properties/completed_on", "needs its completion date"),
        ("", {"paving_kind": "joints_2_5"}, "/properties/paving_kind", "no parameter"),
    ],
)
async def test_the_preview_refuses_what_a_write_refuses(
    client: httpx.AsyncClient, roles: dict, query: str, props: dict, where: str, text: str
) -> None:
    doc = feature(**props)
    english = {"Accept-Language": "en"}
    for response in (
        await client.post(f"/impact{query}", json=doc, headers=english),
        await client.post(ITEMS, json=doc, headers=auth(roles["admin"]) | english),
    ):
        assert response.status_code == 422
        problem = next(e for e in response.json()["errors"] if e["where"] == where)
        assert text in problem["problem"]


async def test_what_if_climate_outside_the_range_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/impact?precipitation_mm=450", json=feature())
    assert response.status_code == 400 and "500..1700" in response.json()["detail"]


@pytest.mark.usefixtures("clean")
async def test_a_catalogue_change_restores_the_figures_on_migrate(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict, dsn: str
) -> None:
    created = await client.post(ITEMS, json=feature(), headers=auth(roles["admin"]))
    assert created.status_code == 201
    # Stale figures, and a catalogue the database has not seen (as after an update of
    # the coefficients): `klimawerk db migrate` syncs it and stores every figure again.
    await pool.execute("UPDATE measures SET runoff_avoided_m3 = 0")
    await pool.execute("UPDATE measure_types SET details = '{}'::jsonb")
    await asyncio.to_thread(loading.migrate, dsn)
    async with pool.acquire() as conn:
        rows = await conn.fetch(SELECT.format(where="true"))
        _assert_stored_equal_pure(rows, await _climates(conn))
    assert rows[0]["runoff_avoided_m3"] > 0
