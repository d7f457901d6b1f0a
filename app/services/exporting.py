"""Exports of measures as GeoJSON, CSV (WKT and a point) or GeoPackage, in flat memory.

Every format honours the query's `crs` (CRS84 by default, or EPSG:25832 and others).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import numpy as np
import pyogrio.raw

from app.domain.catalogue import load_catalogue
from app.domain.csv_cells import neutralise
from app.domain.german_csv import BOM, DELIMITER, GermanCells
from app.domain.m102_4 import load_elements
from app.domain.water_balance import PARAMETERS, TEXT_PARAMETERS
from app.query.measure import MeasureQuery
from app.sql.exports import columns, stream_rows

FORMATS = ("geojson", "csv", "csv-de", "gpkg")


def csv_columns(query: MeasureQuery) -> tuple[str, ...]:
    """The CSV header for the query's caller and CRS."""
    # In a projected CRS the point columns hold easting and northing, not lon/lat.
    point = ("lon", "lat") if query.crs.srid == 4326 else ("x", "y")
    return (*columns(query), *point, "wkt")


def gpkg_fields(query: MeasureQuery) -> list[str]:
    """The GeoPackage attribute fields for the query's caller."""
    return [c for c in columns(query) if c != "id"] + ["measure_id"]


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(value)


async def csv_chunks(conn: asyncpg.Connection, query: MeasureQuery) -> AsyncIterator[bytes]:
    """CSV text, a header then one line a measure."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = csv_columns(query)
    writer.writerow(header)
    point = {"lon": "x", "lat": "y"}
    async for rows in stream_rows(conn, query):
        for r in rows:
            writer.writerow([_csv_value(r[point.get(c, c)]) for c in header])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


async def csv_de_chunks(conn: asyncpg.Connection, query: MeasureQuery) -> AsyncIterator[bytes]:
    """The CSV for German Excel: BOM, `;`, decimal comma, German headings and words."""
    names = {r["ags"]: r["name"] for r in await conn.fetch("SELECT ags, name FROM municipalities")}
    cells = GermanCells(load_catalogue(), load_elements(), names)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER)
    header = csv_columns(query)
    out.write(BOM)
    writer.writerow([cells.heading(c) for c in header])
    point = {"lon": "x", "lat": "y"}
    async for rows in stream_rows(conn, query):
        for r in rows:
            writer.writerow([cells.cell(c, r[point.get(c, c)]) for c in header])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


async def geojson_chunks(conn: asyncpg.Connection, query: MeasureQuery) -> AsyncIterator[bytes]:
    """A FeatureCollection from the cached Feature texts (reshaped for another CRS)."""
    head = b'{"type":"FeatureCollection",'
    if not query.crs.is_default:
        # RFC 7946 has no CRS member; GDAL and QGIS still read the 2008 `crs` name, so a
        # file in EPSG:25832 opens in the right place.
        code = query.crs.uri.rsplit("/", 1)[-1]
        head += b'"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%s"}},' % (
            code.encode()
        )
    yield head + b'"features":['
    first = True
    async for rows in stream_rows(conn, query):
        joined = b",".join(r["feature"] for r in rows)
        yield joined if first else b"," + joined
        first = False
    yield b"]}"


Chunks = Callable[[asyncpg.Connection, MeasureQuery], AsyncIterator[bytes]]


def text_chunks(fmt: str) -> Chunks:
    """The writer of a text format: csv, csv-de (German Excel) or GeoJSON (otherwise)."""
    return {"csv": csv_chunks, "csv-de": csv_de_chunks}.get(fmt, geojson_chunks)


# GeoPackage field types: QGIS and Excel read these as numbers, integers and dates.
REALS = {
    "area_m2",
    "disconnected_area_m2",
    "retention_volume_m3",
    "cost_eur",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    *(p for p in PARAMETERS if p not in TEXT_PARAMETERS),
}
INTEGERS = {"version"}
DATES = {"completed_on"}
TIMESTAMPS = {"created_at", "updated_at"}
# One layer per kind of geometry (ST_Dimension), each of one Multi* type: QGIS opens
# them without asking for sublayers, and every layer has a known geometry type.
LAYERS = {
    2: ("measures_polygons", "MultiPolygon"),
    1: ("measures_lines", "MultiLineString"),
    0: ("measures_points", "MultiPoint"),
}


def _timestamp(value: datetime | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "ms")
    # Stored with time zone; written as UTC (GeoPackage DATETIME is UTC by convention).
    return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "ms")


def _gpkg_column(rows: list[asyncpg.Record], name: str) -> np.ndarray:
    column = "id" if name == "measure_id" else name
    values = [r[column] for r in rows]
    if name in REALS:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    if name in INTEGERS:
        return np.array(values, dtype=np.int32)
    if name in DATES:
        return np.array([np.datetime64("NaT") if v is None else v for v in values], "datetime64[D]")
    if name in TIMESTAMPS:
        return np.array([_timestamp(v) for v in values], dtype="datetime64[ms]")
    return np.array(values, dtype=object)


async def write_gpkg(conn: asyncpg.Connection, query: MeasureQuery, path: Path) -> int:
    """Write one GeoPackage layer per geometry kind, batch by batch; returns the number
    written. An empty selection still gives a file (an empty polygon layer)."""
    written = 0
    fields = gpkg_fields(query)
    started: set[str] = set()
    async for rows in stream_rows(conn, query, batch=10_000):
        for dimension, (layer, geometry_type) in LAYERS.items():
            part = [r for r in rows if r["dimension"] == dimension]
            if part:
                _write_layer(path, part, fields, layer, geometry_type, query, layer in started)
                started.add(layer)
        written += len(rows)
    if not started:
        _write_layer(path, [], fields, *LAYERS[2], query, False)
    return written


def _write_layer(
    path: Path,
    rows: list[asyncpg.Record],
    fields: list[str],
    layer: str,
    geometry_type: str,
    query: MeasureQuery,
    append: bool,
) -> None:
    pyogrio.raw.write(
        path,
        np.array([bytes(r["wkb"]) for r in rows], dtype=object),
        [_gpkg_column(rows, name) for name in fields],
        fields,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs=f"EPSG:{query.crs.srid}",
        append=append,
    )
