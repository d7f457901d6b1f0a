"""Exports of measures as GeoJSON, CSV (WKT and lon/lat) or GeoPackage, in flat memory."""

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
from app.sql.exports import COLUMNS, stream_rows

FORMATS = ("geojson", "csv", "gpkg")
CSV_COLUMNS = (*COLUMNS, "lon", "lat", "wkt")
GPKG_FIELDS = [c for c in COLUMNS if c != "id"] + ["measure_id"]


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
    writer.writerow(CSV_COLUMNS)
    async for rows in stream_rows(conn, query):
        for r in rows:
            writer.writerow([_csv_value(r[c]) for c in CSV_COLUMNS])
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


async def geojson_chunks(conn: asyncpg.Connection, query: MeasureQuery) -> AsyncIterator[bytes]:
    """A FeatureCollection from the cached Feature texts."""
    yield b'{"type":"FeatureCollection","features":['
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
    async for rows in stream_rows(conn, query, batch=10_000):
        data = [_gpkg_column(rows, name) for name in GPKG_FIELDS]
        geometry = np.array([bytes(r["wkb"]) for r in rows], dtype=object)
        pyogrio.raw.write(
            path,
            geometry,
            data,
            GPKG_FIELDS,
            layer="measures",
            driver="GPKG",
            geometry_type="Unknown",
            crs="EPSG:4326",
            append=written > 0,
        )
        written += len(rows)
    return written
