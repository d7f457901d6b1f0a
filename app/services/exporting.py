"""Exports of measures as GeoJSON, CSV (WKT and a point) or GeoPackage, in flat memory.

Every format honours the query's `crs` (CRS84 by default, or EPSG:25832 and others).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import numpy as np
import pyogrio.raw

from app.domain.csv_cells import neutralise
from app.domain.water_balance import PARAMETERS, TEXT_PARAMETERS
from app.query.measure import MeasureQuery
from app.sql.exports import columns, stream_rows

FORMATS = ("geojson", "csv", "gpkg")


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


NUMBERS = {
    "area_m2",
    "disconnected_area_m2",
    "retention_volume_m3",
    "cost_eur",
    "version",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    *(p for p in PARAMETERS if p not in TEXT_PARAMETERS),
}


def _gpkg_column(rows: list[asyncpg.Record], name: str) -> np.ndarray:
    column = "id" if name == "measure_id" else name
    values = [r[column] for r in rows]
    if name in NUMBERS:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return np.array([v.isoformat() if hasattr(v, "isoformat") else v for v in values], dtype=object)


async def write_gpkg(conn: asyncpg.Connection, query: MeasureQuery, path: Path) -> int:
    """Write a GeoPackage layer `measures` batch by batch; returns the number written."""
    written = 0
    fields = gpkg_fields(query)
    async for rows in stream_rows(conn, query, batch=10_000):
        data = [_gpkg_column(rows, name) for name in fields]
        geometry = np.array([bytes(r["wkb"]) for r in rows], dtype=object)
        pyogrio.raw.write(
            path,
            geometry,
            data,
            fields,
            layer="measures",
            driver="GPKG",
            geometry_type="Unknown",
            crs=f"EPSG:{query.crs.srid}",
            append=written > 0,
        )
        written += len(rows)
    return written
