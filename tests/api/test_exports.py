"""Downloads of the selection: every format honours `crs`, read back with GDAL."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyogrio
import pytest

pytestmark = pytest.mark.usefixtures("demo")
ESSEN = "05113000"
EPSG_25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"
SUFFIX = {"csv": "csv", "gpkg": "gpkg", "geojson-file": "geojson"}


async def matched(client: httpx.AsyncClient, params: dict[str, str]) -> int:
    page = await client.get("/collections/measures/items", params={**params, "limit": 1})
    return page.json()["numberMatched"]


async def download(
    client: httpx.AsyncClient, tmp_path: Path, fmt: str, params: dict[str, str]
) -> Path:
    response = await client.get("/collections/measures/items", params={**params, "f": fmt})
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / f"measures.{SUFFIX[fmt]}"
    path.write_bytes(response.content)
    return path


def gdal_info(path: Path) -> dict:
    """What GDAL reads from the file (a CSV's geometry from its WKT column)."""
    options = {"GEOM_POSSIBLE_NAMES": "wkt", "KEEP_GEOM_COLUMNS": "NO"}
    return pyogrio.read_info(
        path, force_total_bounds=True, **(options if path.suffix == ".csv" else {})
    )


@pytest.mark.parametrize("fmt", ["csv", "gpkg", "geojson-file"])
async def test_every_format_honours_epsg_25832(
    client: httpx.AsyncClient, tmp_path: Path, fmt: str
) -> None:
    params = {"municipality": ESSEN, "type": "green_roof_extensive", "crs": EPSG_25832}
    path = await download(client, tmp_path, fmt, params)
    info = gdal_info(path)
    assert info["features"] == await matched(client, params)
    if fmt != "csv":  # CSV carries no CRS, only the numbers
        assert info["crs"] == "EPSG:25832"
    minx, miny, maxx, maxy = info["total_bounds"]
    # Essen in UTM 32N: eastings about 350-375 km, northings about 5,690-5,715 km.
    assert 340_000 < minx < maxx < 380_000
    assert 5_680_000 < miny < maxy < 5_720_000


@pytest.mark.parametrize("fmt", ["csv", "gpkg", "geojson-file"])
async def test_every_format_defaults_to_crs84(
    client: httpx.AsyncClient, tmp_path: Path, fmt: str
) -> None:
    params = {"municipality": ESSEN, "status": "completed"}
    path = await download(client, tmp_path, fmt, params)
    info = gdal_info(path)
    assert info["features"] == await matched(client, params)
    minx, miny, maxx, maxy = info["total_bounds"]
    assert 6.8 < minx < maxx < 7.2 and 51.3 < miny < maxy < 51.6


async def test_the_csv_of_a_projected_export_names_its_columns_x_and_y(
    client: httpx.AsyncClient,
) -> None:
    params = {"f": "csv", "municipality": ESSEN, "crs": EPSG_25832}
    response = await client.get("/collections/measures/items", params=params)
    header = response.text.split("\r\n", 1)[0].split(",")
    assert header[-3:] == ["x", "y", "wkt"]
