"""Downloads of the selection: every format honours `crs`, read back with GDAL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import numpy as np
import pyogrio
import pyogrio.raw
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
    """What GDAL reads from the file (a CSV's geometry from its WKT column); a
    GeoPackage's layers (one per geometry type) summed up."""
    if path.suffix == ".gpkg":
        infos = [
            pyogrio.read_info(path, layer=name, force_total_bounds=True)
            for name, _ in pyogrio.list_layers(path)
        ]
        boxes = [i["total_bounds"] for i in infos if i["features"]]
        return {
            "features": sum(i["features"] for i in infos),
            "crs": infos[0]["crs"],
            "total_bounds": (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            ),
        }
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


async def test_the_geopackage_has_one_typed_layer_per_geometry_type(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    params = {"municipality": ESSEN, "crs": EPSG_25832}
    response = await client.get("/collections/measures/items", params={**params, "f": "gpkg"})
    name = response.headers["content-disposition"].split('filename="')[1].rstrip('"')
    assert name.startswith("klimawerk-massnahmen_essen_20") and name.endswith("_epsg25832.gpkg")
    path = tmp_path / name
    path.write_bytes(response.content)
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "measures_polygons": "MultiPolygon",
        "measures_lines": "MultiLineString",
        "measures_points": "MultiPoint",
    }
    info = pyogrio.read_info(path, layer="measures_polygons")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["completed_on"] == "OFTDate"
    assert types["created_at"] == types["updated_at"] == "OFTDateTime"
    assert types["version"] == "OFTInteger"
    assert types["area_m2"] == types["disconnected_area_m2"] == "OFTReal"
    assert types["title"] == types["disconnected_area_source"] == "OFTString"
    assert sum(
        pyogrio.read_info(path, layer=layer)["features"] for layer in layers
    ) == await matched(client, params)
    meta, _, _, data = pyogrio.raw.read(path, layer="measures_polygons")
    column = dict(zip(meta["fields"], data, strict=True))
    done = column["status"] == "completed"
    assert column["completed_on"].dtype.kind == "M"  # read back as dates
    assert not np.isnat(column["completed_on"][done]).any()
    assert column["version"].dtype.kind == "i"


async def test_an_empty_selection_is_an_empty_layer(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    params = {"municipality": ESSEN, "type": "cistern", "status": "cancelled", "f": "gpkg"}
    response = await client.get("/collections/measures/items", params={**params, "bbox": "0,0,1,1"})
    assert response.status_code == 200
    path = tmp_path / "empty.gpkg"
    path.write_bytes(response.content)
    assert pyogrio.read_info(path)["features"] == 0


async def test_the_region_export_is_named_after_the_region(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/items", params={"f": "csv", "limit": 1})
    disposition = response.headers["content-disposition"]
    assert "klimawerk-massnahmen_region_" in disposition and disposition.endswith('_crs84.csv"')


async def test_the_german_csv_opens_in_german_excel(client: httpx.AsyncClient) -> None:
    params = {"municipality": "05513000", "type": "green_roof_extensive", "status": "completed"}
    standard = await client.get("/collections/measures/items", params={**params, "f": "csv"})
    german = await client.get("/collections/measures/items", params={**params, "f": "csv-de"})
    assert german.status_code == 200
    assert german.content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    text = german.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, first = rows[0], rows[1]
    assert header[:3] == ["ID", "Maßnahmenart", "Titel"]
    assert "Abgekoppelte Fläche (m²)" in header and "Kommune" in header
    cell = dict(zip(header, first, strict=True))
    assert cell["Maßnahmenart"] == "Dachbegrünung extensiv"
    assert cell["Status"] == "fertiggestellt" and cell["Kommune"] == "Gelsenkirchen"
    assert cell["Abgekoppelte Fläche: Herkunft"] == "aus der Geometrie"
    assert "," in cell["Fläche (m²)"] and "." not in cell["Fläche (m²)"]
    _day, month, year = cell["Fertiggestellt am"].split(".")
    assert len(year) == 4 and 1 <= int(month) <= 12
    plain = list(csv.DictReader(io.StringIO(standard.text)))
    assert len(plain) == len(rows) - 1
    assert float(cell["Fläche (m²)"].replace(",", ".")) == float(plain[0]["area_m2"])
