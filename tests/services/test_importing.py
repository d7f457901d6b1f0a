"""Bulk import from files: reprojected, checked, all or nothing, even when killed."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import numpy as np
import pyogrio.raw
import pytest
import shapely

from app.domain.catalogue import load_catalogue
from app.domain.water_balance import PARAMETERS, climate_of, measure_effect
from app.services.importing import import_file
from tests.geo import to_metric

pytestmark = pytest.mark.usefixtures("clean")


def write_file(
    path: Path,
    geometries: list,
    props: dict[str, list],
    crs: str = "EPSG:4326",
    driver: str | None = None,
) -> Path:
    fields = list(props)
    data = [
        np.array(props[f], dtype=object if isinstance(props[f][0], str) else None) for f in fields
    ]
    kinds = {g.geom_type for g in geometries}
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(geometries), dtype=object),
        data,
        fields,
        geometry_type=kinds.pop() if len(kinds) == 1 else "Unknown",
        crs=crs,
        driver=driver,
    )
    return path


def roofs(n: int, x0: float = 7.10, y0: float = 51.52) -> list:
    return [shapely.box(x0 + i * 1e-4, y0, x0 + i * 1e-4 + 5e-5, y0 + 5e-5) for i in range(n)]


async def test_geopackage_in_utm32_is_reprojected_and_stored(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    lonlat = roofs(3)
    metric = [to_metric(g) for g in lonlat]
    path = write_file(
        tmp_path / "roofs.gpkg",
        metric,
        {
            "type": ["green_roof_extensive"] * 3,
            "title": ["Dach A", "Dach B", "Dach C"],
            "status": ["completed"] * 3,
            "completed_on": ["2024-05-01"] * 3,
            "cost_eur": [1000.0, 2000.0, 3000.0],
            "objektnr": ["1", "2", "3"],
        },
        crs="EPSG:25832",
    )
    report = await import_file(dsn, path, partner="Stadtwerke")
    assert (report.read, report.imported, report.rejected) == (3, 3, [])
    assert report.ignored_columns == ["objektnr"]
    rows = await pool.fetch(
        "SELECT title, partner, review_state, municipality, source,"
        " ST_AsText(geom) AS wkt FROM measures ORDER BY title"
    )
    assert [r["title"] for r in rows] == ["Dach A", "Dach B", "Dach C"]
    assert {(r["partner"], r["review_state"], r["municipality"], r["source"]) for r in rows} == {
        ("Stadtwerke", "submitted", "05513000", "import:roofs.gpkg")
    }
    stored = shapely.from_wkt(rows[0]["wkt"])
    assert stored.hausdorff_distance(lonlat[0]) < 1e-7  # about a centimetre


async def test_shapefile_and_geojson_import(dsn: str, pool: asyncpg.Pool, tmp_path: Path) -> None:
    points = [shapely.Point(7.01, 51.45), shapely.Point(7.011, 51.451)]
    props = {"type": ["cistern", "tree_trench"], "title": ["Zisterne", "Baumrigole"]}
    shp = write_file(tmp_path / "points.shp", points, props, driver="ESRI Shapefile")
    geojson = write_file(tmp_path / "points.geojson", points, props, driver="GeoJSON")
    assert (await import_file(dsn, shp)).imported == 2
    assert (await import_file(dsn, geojson)).imported == 2
    assert await pool.fetchval("SELECT count(DISTINCT source) FROM measures") == 2


async def test_one_bad_feature_means_nothing_is_stored(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    geometries = [*roofs(2), shapely.Point(7.08, 51.66), roofs(1)[0]]  # 3rd: Marl, outside
    path = write_file(
        tmp_path / "mixed.gpkg",
        geometries,
        {
            "type": ["green_roof_extensive", "green_roof_extensiv", "cistern", "cistern"],
            "title": ["ok", "typo", "outside", "wrong geometry"],
        },
    )
    report = await import_file(dsn, path)
    assert report.imported == 0
    refused = {(r["feature"], r["where"]) for r in report.rejected}
    assert refused == {(1, "/properties/type"), (3, "/geometry/type")}
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0
    # With the type errors fixed the exact boundary check (in the database) refuses #2.
    fixed = write_file(
        tmp_path / "fixed.gpkg",
        geometries[:3],
        {
            "type": ["green_roof_extensive", "green_roof_extensive", "cistern"],
            "title": ["ok", "ok", "outside"],
        },
    )
    report = await import_file(dsn, fixed)
    assert [(r["feature"], r["where"]) for r in report.rejected] == [(2, "/geometry")]
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


async def test_dry_run_stores_nothing(dsn: str, pool: asyncpg.Pool, tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "dry.gpkg",
        roofs(5),
        {"type": ["green_roof_extensive"] * 5, "title": [f"Dach {i}" for i in range(5)]},
    )
    report = await import_file(dsn, path, dry_run=True)
    assert report.imported == 0 and report.rejected == []
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


async def test_an_import_killed_midway_leaves_nothing(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    n = 30_000
    path = write_file(
        tmp_path / "big.gpkg",
        roofs(n, x0=7.0, y0=51.45),
        {"type": ["green_roof_extensive"] * n, "title": [f"Dach {i}" for i in range(n)]},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "import", str(path)],
        env={**os.environ, "DATABASE_URL": dsn},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait until the import writes rows into measures (some batches may be stored
        # already), then kill the importer.
        for _ in range(600):
            busy = await pool.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                " AND query ~ 'INSERT INTO measures|COPY \"?measures'"
            )
            if busy:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the import never reached the database")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    for _ in range(100):  # the server notices the dropped connection and rolls back
        if not await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE query ~ 'import_'"
            " AND state <> 'idle' AND pid <> pg_backend_pid()"
        ):
            break
        await asyncio.sleep(0.1)
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


async def test_batches_store_all_or_nothing(dsn: str, pool: asyncpg.Pool, tmp_path: Path) -> None:
    """Batches are cut for speed only: refusals in any batch are all reported, and the
    stored rows are what a single insert with the trigger would have made."""
    marl = shapely.Point(7.08, 51.66)  # inside the region's bounds, outside every city
    points = [shapely.Point(7.10 + i * 1e-4, 51.52) for i in range(25)]
    props = {
        "type": ["cistern"] * 25,
        "title": [f"Zisterne {i}" for i in range(25)],
        # A cistern's impact follows from the roof it drains and its storage: non-zero,
        # and each different.
        "disconnected_area_m2": [40.0 + i for i in range(25)],
        "retention_volume_m3": [3.0] * 25,
    }

    outside = [marl if i in (3, 21) else p for i, p in enumerate(points)]
    path = write_file(tmp_path / "outside.gpkg", outside, props)
    report = await import_file(dsn, path, batch=10)
    assert [(r["feature"], r["where"]) for r in report.rejected] == [
        (3, "/geometry"),
        (21, "/geometry"),
    ]
    assert report.imported == 0

    # A refusal found in Python (here in the last batch) is reported alone, wherever
    # the database's own refusals lie, as when everything was one batch.
    typo = {**props, "type": [*props["type"][:24], "cisterne"]}
    path = write_file(tmp_path / "typo.gpkg", outside, typo)
    report = await import_file(dsn, path, batch=10)
    assert [(r["feature"], r["where"]) for r in report.rejected] == [(24, "/properties/type")]
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0

    path = write_file(tmp_path / "fine.gpkg", points, props)
    report = await import_file(dsn, path, partner="Stadtwerke", batch=10)
    assert (report.imported, report.rejected) == (25, [])
    rows = await pool.fetch(
        "SELECT m.title, m.feature = measure_feature_json(m) AS cached,"
        " m.geom_3857 IS NOT NULL AS projected, m.municipality, m.area_m2,"
        " m.disconnected_area_m2, m.runoff_avoided_m3, m.extra_evaporation_m3,"
        " m.extra_infiltration_m3, m.retention_volume_m3, "
        + ", ".join(f"m.{name}" for name in PARAMETERS)
        + ","
        # What the row trigger derives for a single insert:
        " measure_municipality(m.geom) AS trigger_municipality,"
        " measure_area_m2(m.geom, t.line_width_m) AS trigger_area_m2"
        " FROM measures m JOIN measure_types t ON t.id = m.type ORDER BY m.title"
    )
    baselines = {
        b["ags"]: dict(b) for b in await pool.fetch("SELECT * FROM municipality_baselines")
    }
    assert len(rows) == 25
    assert all(r["cached"] and r["projected"] for r in rows)
    catalogue = load_catalogue()
    for r in rows:
        assert (r["municipality"], r["area_m2"]) == (
            r["trigger_municipality"],
            r["trigger_area_m2"],
        )
        # The pure rule every path stores (`water_balance.measure_effect`).
        expected = measure_effect(
            catalogue.types["cistern"],
            {n: r[n] for n in ("disconnected_area_m2", "retention_volume_m3", *PARAMETERS)},
            r["area_m2"],
            climate_of(r["municipality"], baselines.get(r["municipality"])),
        )
        assert expected.runoff_avoided_m3 > 0
        assert r["runoff_avoided_m3"] == pytest.approx(expected.runoff_avoided_m3)
        assert r["extra_evaporation_m3"] == pytest.approx(expected.extra_evaporation_m3)
        assert r["extra_infiltration_m3"] == pytest.approx(expected.extra_infiltration_m3)


async def test_text_with_nul_is_refused_not_cut(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    # GDAL reads "a\u0000b" as "a": the import must refuse it, not store a cut title.
    path = tmp_path / "nul.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[7.05,51.51]},'
        '"properties":{"type":"cistern","title":"Zisterne\\u0000 Schule"}},'
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[7.05,51.51]},'
        '"properties":{"type":"cistern","title":"Zisterne","description":"a\\u001bb"}}]}'
    )
    report = await import_file(dsn, path)
    assert report.imported == 0
    refused = {(r["feature"], r["where"]): r["problem"] for r in report.rejected}
    assert set(refused) == {(0, "/properties/title"), (1, "/properties/description")}
    assert "U+0000" in refused[(0, "/properties/title")]
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


def _with_nul_written_in(path: Path, before: bytes, after: bytes) -> None:
    """Put a NUL into the file's bytes, where GDAL cannot write one itself."""
    data = path.read_bytes()
    assert data.count(before) == 1
    path.write_bytes(data.replace(before, after))


@pytest.mark.parametrize(("suffix", "driver"), [("gpkg", None), ("shp", "ESRI Shapefile")])
async def test_a_nul_in_a_geopackage_or_shapefile_attribute_is_refused_not_cut(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path, suffix: str, driver: str | None
) -> None:
    """GDAL reads "Zisterne\\0Schule" as "Zisterne"; the import reads the file's bytes."""
    points = [shapely.Point(7.05, 51.51), shapely.Point(7.06, 51.51)]
    props = {
        "type": ["cistern", "cistern"],
        "title": ["Zisterne Kita", "ZisterneXSchule"],
        "funding": ["ohne NUL", "a"],
    }
    path = write_file(tmp_path / f"nul.{suffix}", points, props, driver=driver)
    if suffix == "gpkg":
        # SQLite keeps the text with its NUL; GDAL would stop at it.
        with sqlite3.connect(path) as db:
            # The spatial index's triggers need GDAL's SQL functions; the geometry stays.
            triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in triggers.fetchall():
                db.execute(f'DROP TRIGGER "{name}"')
            db.execute(
                "UPDATE nul SET title = CAST(x'5a69737465726e65005363687565' AS TEXT)"
                " WHERE title = 'ZisterneXSchule'"
            )
    else:
        _with_nul_written_in(path.with_suffix(".dbf"), b"ZisterneXSchule", b"Zisterne\x00Schule")
    assert pyogrio.raw.read(path)[3][1][1] == "Zisterne"  # what GDAL alone would store
    report = await import_file(dsn, path)
    assert report.imported == 0
    refused = {(r["feature"], r["where"]): r["problem"] for r in report.rejected}
    assert list(refused) == [(1, "/properties/title")]
    assert "U+0000" in refused[(1, "/properties/title")]
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


async def test_nul_padding_of_a_shapefile_is_no_text(
    dsn: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """Some writers pad dBASE text with NUL instead of spaces: that is not refused."""
    points = [shapely.Point(7.05, 51.51)]
    props = {"type": ["cistern"], "title": ["Zisterne Kita"], "funding": ["Land NRW"]}
    path = write_file(tmp_path / "padded.shp", points, props, driver="ESRI Shapefile")
    dbf = path.with_suffix(".dbf")
    data = dbf.read_bytes()
    at = data.index(b"Land NRW") + len(b"Land NRW")
    end = data.index(b" ", at) if b" " in data[at:] else at
    while end < len(data) and data[end : end + 1] == b" ":
        end += 1
    dbf.write_bytes(data[:at] + b"\x00" * (end - at) + data[end:])
    assert (await import_file(dsn, path)).imported == 1
