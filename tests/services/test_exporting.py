"""Exports: CSV, GeoJSON and GeoPackage hold exactly the matching measures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
import pyogrio
import pyogrio.raw
import pytest
import shapely
from typer.testing import CliRunner

from app.cli.main import app

pytestmark = pytest.mark.usefixtures("demo")
ESSEN = "05113000"


def gpkg_ids(path: Path) -> set[str]:
    """The measure ids of every layer of a GeoPackage export."""
    ids: set[str] = set()
    for layer, _ in pyogrio.list_layers(path):
        meta, _, _, fields = pyogrio.raw.read(path, layer=layer)
        ids |= set(fields[list(meta["fields"]).index("measure_id")])
    return ids


async def item_ids(client: httpx.AsyncClient, params: dict) -> set[str]:
    body = (
        await client.get("/collections/measures/items", params={**params, "limit": 10000})
    ).json()
    return {f["id"] for f in body["features"]}


async def test_csv_export_over_http(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/collections/measures/items", params={"f": "csv", "municipality": ESSEN, "limit": 5}
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["id"] for r in rows} == await item_ids(client, {"municipality": ESSEN})
    first = rows[0]
    assert shapely.from_wkt(first["wkt"]).is_valid
    assert 6.9 < float(first["lon"]) < 7.2 and first["municipality"] == ESSEN


async def test_gpkg_export_over_http(client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await client.get(
        "/collections/measures/items", params={"f": "gpkg", "type": "swale"}
    )
    assert response.headers["content-type"] == "application/geopackage+sqlite3"
    path = tmp_path / "swales.gpkg"
    path.write_bytes(response.content)
    meta, _, geometry, fields = pyogrio.raw.read(path, layer="measures_polygons")
    ids = set(fields[list(meta["fields"]).index("measure_id")])
    assert ids == await item_ids(client, {"type": "swale"})
    assert meta["crs"] == "EPSG:4326" and len(geometry) == len(ids)
    assert [name for name, _ in pyogrio.list_layers(path)] == ["measures_polygons"]


@pytest.mark.usefixtures("use_test_database")
async def test_cli_export_all_formats(client: httpx.AsyncClient, tmp_path: Path) -> None:
    import asyncio

    runner = CliRunner()
    expected = await item_ids(client, {"municipality": ESSEN})
    for fmt in ("geojson", "csv", "gpkg"):
        out = tmp_path / f"essen.{fmt}"
        result = await asyncio.to_thread(
            runner.invoke, app, ["export", "--format", fmt, "--municipality", ESSEN, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        if fmt == "geojson":
            ids = {f["id"] for f in json.loads(out.read_text())["features"]}
        elif fmt == "csv":
            ids = {r["id"] for r in csv.DictReader(out.open())}
        else:
            ids = gpkg_ids(out)
        assert ids == expected, fmt
