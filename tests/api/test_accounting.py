"""Every disconnected square metre counts: the accounting rule on every write path.

A roof drawn with title, status and date only counts its drawn area (derived); a value
the partner gives wins (given); a catchment system counts what the partner connects;
preview, stored Feature and statistics say the same."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import shapely

from app.services import loading
from app.services.importing import import_file
from tests.api.conftest import auth
from tests.services.test_importing import write_file

ITEMS = "/collections/measures/items"
NAN = float("nan")
ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.1005, 51.52], [7.1005, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
    ],
}
BIGGER_ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.1008, 51.52], [7.1008, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
    ],
}


def feature(geometry: dict | None = None, **props: Any) -> dict:
    return {
        "type": "Feature",
        "geometry": copy.deepcopy(geometry or ROOF),
        "properties": {
            "type": "green_roof_extensive",
            "title": "Dach der Gesamtschule",
            "status": "completed",
            "completed_on": "2025-06-01",
            **props,
        },
    }


async def _write(client: httpx.AsyncClient, roles: dict, doc: dict) -> httpx.Response:
    response = await client.post(ITEMS, json=doc, headers=auth(roles["admin"]))
    assert response.status_code == 201, response.text
    return response


@pytest.mark.usefixtures("clean")
async def test_a_roof_without_a_value_counts_its_drawn_area(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict
) -> None:
    preview = (await client.post("/impact", json=feature())).json()
    assert preview["disconnected_area_source"] == "derived"
    assert preview["disconnected_area_m2"] == round(preview["area_m2"], 1) > 700
    assert "gezeichnete Fläche" in preview["disconnected_area_hint"]
    props = (await _write(client, roles, feature())).json()["properties"]
    assert props["disconnected_area_m2"] == preview["disconnected_area_m2"]
    assert props["disconnected_area_source"] == "derived"
    assert props["runoff_avoided_m3"] == preview["runoff_avoided_m3"]
    stored = await pool.fetchrow("SELECT disconnected_area_m2, version FROM measures")
    assert stored["disconnected_area_m2"] == props["disconnected_area_m2"]
    assert stored["version"] == 1  # deriving is no new version
    # Published, it counts towards the target (the kept statistics follow the row).
    published = await client.post(
        ITEMS, json=feature(review_state="published"), headers=auth(roles["admin"])
    )
    assert published.status_code == 201, published.text
    achieved = await pool.fetchval(
        "SELECT sum(disconnected_area_m2) FROM measure_statistics WHERE status = 'completed'"
    )
    assert float(achieved) == pytest.approx(props["disconnected_area_m2"])


@pytest.mark.usefixtures("clean")
async def test_a_given_value_wins_and_a_derived_one_follows_the_geometry(
    client: httpx.AsyncClient, roles: dict
) -> None:
    headers = auth(roles["admin"])
    given = (await _write(client, roles, feature(disconnected_area_m2=400))).json()
    assert given["properties"]["disconnected_area_source"] == "given"
    assert given["properties"]["disconnected_area_m2"] == 400
    derived = await _write(client, roles, feature())
    before = derived.json()["properties"]["disconnected_area_m2"]
    moved = await client.patch(
        derived.headers["Location"],
        json={"geometry": BIGGER_ROOF},
        headers={**headers, "If-Match": derived.headers["ETag"]},
    )
    assert moved.status_code == 200, moved.text
    after = moved.json()["properties"]
    assert after["disconnected_area_source"] == "derived"
    assert after["disconnected_area_m2"] == pytest.approx(before * 1.6, rel=0.01)
    # Clearing a given value hands it back to the rule.
    cleared = await client.patch(
        f"{ITEMS}/{given['id']}",
        json={"properties": {"disconnected_area_m2": None}},
        headers={**headers, "If-Match": '"1"'},
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["properties"]["disconnected_area_source"] == "derived"
    assert cleared.json()["properties"]["disconnected_area_m2"] > 700


@pytest.mark.usefixtures("clean")
async def test_a_catchment_system_counts_only_the_connected_area(
    client: httpx.AsyncClient, roles: dict
) -> None:
    swale = feature(type="swale", kf_mm_h=100)
    preview = (await client.post("/impact", json=swale)).json()
    assert preview["disconnected_area_m2"] is None and preview["disconnected_area_source"] is None
    assert "Angeschlossene Fläche" in preview["disconnected_area_hint"]
    props = (await _write(client, roles, swale)).json()["properties"]
    assert props["disconnected_area_m2"] is None
    connected = feature(type="swale", kf_mm_h=100, disconnected_area_m2=2500)
    props = (await _write(client, roles, connected)).json()["properties"]
    assert (props["disconnected_area_m2"], props["disconnected_area_source"]) == (2500, "given")


@pytest.mark.parametrize(
    "value", ["", "1273", -5, True, [], {}, "²", "٣", "1" * 5000, "1_000", " 12 "]
)
async def test_hostile_spellings_of_the_area_are_refused(
    client: httpx.AsyncClient, value: Any
) -> None:
    response = await client.post("/impact", json=feature(disconnected_area_m2=value))
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "disconnected_area_m2" in response.text


async def test_the_source_is_no_client_field(client: httpx.AsyncClient, roles: dict) -> None:
    doc = feature(disconnected_area_source="given")
    response = await client.post(ITEMS, json=doc, headers=auth(roles["admin"]))
    if response.status_code == 201:  # ignored like the other server-set properties
        assert response.json()["properties"]["disconnected_area_source"] == "derived"
        await client.delete(
            response.headers["Location"], headers={**auth(roles["admin"]), "If-Match": '"1"'}
        )
    else:
        assert response.status_code == 422


@pytest.mark.usefixtures("clean")
async def test_the_importer_and_the_refresh_apply_the_same_rule(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    boxes = [shapely.box(7.10 + i * 1e-3, 51.52, 7.10 + i * 1e-3 + 3e-4, 51.5202) for i in range(3)]
    path = write_file(
        tmp_path / "roofs.geojson",
        boxes,
        {
            "type": ["green_roof_extensive", "green_roof_extensive", "swale"],
            "title": ["A", "B", "C"],
            "disconnected_area_m2": [NAN, 300.0, NAN],
        },
    )
    report = await import_file(dsn, path, partner="Stadtwerke")
    assert report.imported == 3
    rows = await pool.fetch(
        "SELECT title, area_m2, disconnected_area_m2 AS d, disconnected_area_source AS s"
        " FROM measures ORDER BY title"
    )
    assert (rows[0]["d"], rows[0]["s"]) == (round(rows[0]["area_m2"], 1), "derived")
    assert (rows[1]["d"], rows[1]["s"]) == (300.0, "given")
    assert (rows[2]["d"], rows[2]["s"]) == (None, None)
    # A row stored before the rule (as the migration leaves them) is derived at migrate.
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL klimawerk.refresh = 'on'")
        await conn.execute(
            "UPDATE measures SET disconnected_area_m2 = NULL, disconnected_area_source = NULL"
            " WHERE title = 'A'"
        )
    await asyncio.to_thread(loading.migrate, dsn)
    row = await pool.fetchrow(
        "SELECT disconnected_area_m2, disconnected_area_source, version FROM measures"
        " WHERE title = 'A'"
    )
    assert tuple(row) == (rows[0]["d"], "derived", 1)


@pytest.mark.usefixtures("clean")
async def test_a_derived_value_put_back_as_fetched_stays_derived(
    client: httpx.AsyncClient, roles: dict
) -> None:
    headers = auth(roles["admin"])
    created = await _write(client, roles, feature())
    fetched = await client.get(created.headers["Location"], headers=headers)
    doc = fetched.json()
    doc["geometry"] = copy.deepcopy(BIGGER_ROOF)
    replaced = await client.put(
        created.headers["Location"],
        json=doc,
        headers={**headers, "If-Match": fetched.headers["ETag"]},
    )
    assert replaced.status_code == 200, replaced.text
    props = replaced.json()["properties"]
    assert props["disconnected_area_source"] == "derived"
    assert props["disconnected_area_m2"] == round(props["area_m2"], 1)
