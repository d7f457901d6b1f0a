"""The stored boundaries reproduce the official VG250 areas."""

from __future__ import annotations

import asyncpg
import pytest

from app.sql.municipalities import select_areas

# km² computed in EPSG:25832 from BKG VG250 (issue "Registry foundation").
EXPECTED_KM2 = {
    "Duisburg": 233.06,
    "Essen": 210.42,
    "Mülheim an der Ruhr": 91.22,
    "Oberhausen": 77.47,
    "Dinslaken": 47.49,
    "Bottrop": 100.24,
    "Gelsenkirchen": 105.34,
    "Castrop-Rauxel": 51.82,
    "Dorsten": 171.45,
    "Gladbeck": 36.11,
    "Herten": 37.04,
    "Recklinghausen": 66.57,
    "Bochum": 144.67,
    "Dortmund": 279.53,
    "Herne": 51.48,
    "Witten": 72.95,
    "Holzwickede": 22.84,
}


async def test_all_seventeen_municipalities_are_loaded(conn: asyncpg.Connection) -> None:
    rows = await select_areas(conn)
    assert {r["name"] for r in rows} == set(EXPECTED_KM2)
    assert all(len(r["ags"]) == 8 and r["ags"].startswith("05") for r in rows)


@pytest.mark.parametrize("name", sorted(EXPECTED_KM2))
async def test_area_matches_vg250_within_half_a_percent(
    conn: asyncpg.Connection, name: str
) -> None:
    rows = {r["name"]: r["area_m2"] for r in await select_areas(conn)}
    km2 = rows[name] / 1e6
    assert km2 == pytest.approx(EXPECTED_KM2[name], rel=0.005)


async def test_loading_boundaries_again_changes_nothing(dsn: str, conn: asyncpg.Connection) -> None:
    from app.services.loading import load_boundaries

    before = await conn.fetch("SELECT ags, md5(ST_AsEWKB(geom)::text) AS h FROM municipalities")
    assert await load_boundaries(dsn) == 17
    after = await conn.fetch("SELECT ags, md5(ST_AsEWKB(geom)::text) AS h FROM municipalities")
    assert sorted(map(tuple, before)) == sorted(map(tuple, after))
    parts = await conn.fetchval("SELECT count(DISTINCT ags) FROM municipality_parts")
    assert parts == 17
