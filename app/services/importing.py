"""Bulk import of measures from GeoJSON, GeoPackage or Shapefile: all or nothing.

Reading (pyogrio), reprojection (pyproj, vectorised) and the checks run in Python; the
rows then go to a staging table by COPY, the database derives municipality and area
set-based with the same functions its trigger uses, `services.impacts` stores the
impacts (the rule every path uses), and one transaction
inserts them all. Any rejected feature means nothing is stored.

The work runs in batches through a pipeline of three stages that overlap: a worker
thread checks one batch while a helper connection derives the one before and the main
connection inserts the one before that (see `_Pipeline`). Only the main connection's
transaction writes `measures`; the helper keeps everything in temp tables.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import orjson
import pyogrio
import shapely
from pyproj import CRS, Transformer

from app.domain.catalogue import Catalogue, load_catalogue
from app.domain.region import OUTSIDE, REGION
from app.domain.validation import (
    CLIENT_FIELDS,
    MAX_VERTICES,
    Problems,
    check_properties,
    check_rules,
    check_type_fits_geometry,
)
from app.services import impacts, raw_text
from app.sql import imports, measures

Progress = Callable[[str, int, int], None]

# Features per batch: large enough that per-statement costs vanish, small enough that
# the first batch is checked quickly and the pipeline fills at once.
BATCH = 10_000


@dataclass
class ImportReport:
    """What an import read, stored and refused."""

    read: int = 0
    imported: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    crs: str = ""


@dataclass
class FileFeatures:
    """The features of a file: property columns and lon/lat geometries, in file order."""

    columns: dict[str, np.ndarray]
    geometries: np.ndarray

    def __len__(self) -> int:
        return len(self.geometries)

    def rows(self, start: int, stop: int) -> list[dict[str, Any]]:
        """The client properties of features start..stop-1 as plain Python values."""
        names = [name for name in CLIENT_FIELDS if name in self.columns]
        if not names:
            return [{} for _ in range(start, min(stop, len(self)))]
        # Column by column: a million values per 100,000 features, so the common
        # cases (numbers, non-empty strings) skip the general conversion.
        columns = [_plain_values(self.columns[name][start:stop]) for name in names]
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _plain_values(data: np.ndarray) -> list[Any]:
    """`_plain` of every value of a column, fast for numeric and text columns."""
    if data.dtype.kind == "f":
        return [None if v != v else v for v in data.tolist()]  # NaN is the only v != v
    if data.dtype.kind in "iub":
        return data.tolist()
    return [v if type(v) is str and v else _plain(v) for v in data]


def _plain(value: Any) -> Any:
    """A value as the API would receive it: no NaN, no numpy scalars, dates as text."""
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        # A DATE or DATETIME field (our GeoPackage export) reads as numpy datetime64.
        value = value.item()
    if isinstance(value, dt.datetime):
        value = value.date().isoformat()
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return None if value == "" else value


def read_measures(path: Path, layer: str | None = None) -> tuple[FileFeatures, ImportReport]:
    """Properties and lon/lat geometries of every feature in the file (in every layer
    of a GeoPackage with several, such as the export's one layer per geometry type)."""
    if layer is None and Path(path).suffix.lower() == ".gpkg":
        names = [str(name) for name, _ in pyogrio.list_layers(path)]
        if len(names) > 1:
            return _read_layers(path, names)
    return _read_layer(path, layer)


def _read_layers(path: Path, names: list[str]) -> tuple[FileFeatures, ImportReport]:
    parts = [_read_layer(path, name) for name in names]
    columns: dict[str, np.ndarray] = {}
    for name in dict.fromkeys(c for features, _ in parts for c in features.columns):
        columns[name] = np.concatenate(
            [
                features.columns[name].astype(object)
                if name in features.columns
                else np.full(len(features), None, dtype=object)
                for features, _ in parts
            ]
        )
    geometries = np.concatenate([features.geometries for features, _ in parts])
    report = parts[0][1]
    report.read = sum(r.read for _, r in parts)
    report.ignored_columns = sorted({c for _, r in parts for c in r.ignored_columns})
    return FileFeatures(columns, geometries), report


def _read_layer(path: Path, layer: str | None) -> tuple[FileFeatures, ImportReport]:
    # Columns the import ignores need not be read. A GeoPackage or Shapefile names its
    # columns at no cost; a GeoJSON file only after a parse of the whole file, so there
    # every column is read in the one pass that yields their names too.
    if Path(path).suffix.lower() in (".geojson", ".json"):
        meta, _, wkb, field_data = pyogrio.raw.read(path, layer=layer, force_2d=True)
        fields = list(meta["fields"])
    else:
        fields = list(pyogrio.read_info(path, layer=layer)["fields"])
        meta, fids, wkb, field_data = pyogrio.raw.read(
            path,
            layer=layer,
            force_2d=True,
            columns=[name for name in fields if name in CLIENT_FIELDS],
            return_fids=True,
        )
    report = ImportReport(read=len(wkb), ignored_columns=sorted(set(fields) - set(CLIENT_FIELDS)))
    geometries = shapely.from_wkb(wkb)
    source_crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else CRS.from_epsg(4326)
    report.crs = source_crs.to_string()
    target = CRS.from_epsg(4326)
    if not source_crs.equals(target, ignore_axis_order=True):
        transformer = Transformer.from_crs(source_crs, target, always_xy=True)
        geometries = shapely.transform(
            geometries, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))
        )
    columns = dict(zip(meta["fields"], field_data, strict=True))
    if Path(path).suffix.lower() in (".geojson", ".json"):
        _restore_cut_text(Path(path), columns)
    else:
        cut = raw_text.texts_with_nul(Path(path), layer, list(columns))
        if cut:
            # Back into the cells GDAL cut short, so that the checks refuse them by name.
            position = {int(fid): n for n, fid in enumerate(fids)}
            for (fid, name), text in cut.items():
                if fid in position:
                    columns[name][position[fid]] = text
    return FileFeatures(columns, geometries), report


def _restore_cut_text(path: Path, columns: dict[str, np.ndarray]) -> None:
    """Put back text that GDAL cut short at a NUL, so that the checks see and refuse it.

    GDAL ends a string at NUL ("a\\u0000b" reads as "a"): without this an import would
    store a silently shortened title. Only files that hold a NUL are parsed again.
    """
    raw = path.read_bytes()
    if b"\\u0000" not in raw:
        return
    doc = orjson.loads(raw)
    features = doc.get("features") if isinstance(doc, dict) else None
    for n, feature in enumerate(features or []):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        for name, value in (properties or {}).items():
            if name in columns and isinstance(value, str) and "\x00" in value:
                columns[name][n] = value


def _geometry_problems(geometries: np.ndarray) -> list[str | None]:
    """Per feature, the first geometry problem (vectorised: 100,000 features in a blink)."""
    region = REGION
    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    safe = np.where(missing, shapely.Point(0, 0), geometries)
    valid = shapely.is_valid(safe)
    vertices = shapely.get_num_coordinates(safe)
    bounds = shapely.bounds(safe)
    inside = (
        (bounds[:, 0] >= region.minx)
        & (bounds[:, 2] <= region.maxx)
        & (bounds[:, 1] >= region.miny)
        & (bounds[:, 3] <= region.maxy)
    )
    out: list[str | None] = []
    for n in range(len(geometries)):
        if missing[n]:
            out.append("is missing or empty")
        elif not valid[n]:
            out.append(f"is invalid: {shapely.is_valid_reason(geometries[n])}")
        elif vertices[n] > MAX_VERTICES:
            out.append(f"has {vertices[n]} vertices; at most {MAX_VERTICES}")
        elif not inside[n]:
            out.append(OUTSIDE)
        else:
            out.append(None)
    return out


GEOMETRY_NAMES = {
    0: "Point",
    1: "LineString",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def check_measures(
    features: FileFeatures,
    report: ImportReport,
    start: int = 0,
    stop: int | None = None,
    catalogue: Catalogue | None = None,
) -> list[tuple]:
    """Staging records of the valid features start..stop-1; the others' problems go to
    `report` (numbered by their position in the file)."""
    stop = len(features) if stop is None else min(stop, len(features))
    catalogue = catalogue or load_catalogue()
    geometries = features.geometries[start:stop]
    geometry_problems = _geometry_problems(geometries)
    kinds = shapely.get_type_id(geometries)
    # EWKB (with the SRID) is what the staging table's geometry column receives.
    ewkb = shapely.to_wkb(shapely.set_srid(geometries, 4326), include_srid=True)
    records = []
    for i, row in enumerate(features.rows(start, stop)):
        n = start + i
        problems = Problems()
        if geometry_problems[i]:
            problems.add("/geometry", geometry_problems[i])
        values = check_properties(row, catalogue, problems, partial=False, may_review=False)
        if not problems:
            for error in check_rules(values, catalogue):
                problems.add(error["where"], error["problem"])
        if not problems:
            kind = GEOMETRY_NAMES.get(int(kinds[i]), "unknown")
            for error in check_type_fits_geometry(catalogue, values["type"], kind):
                problems.add(error["where"], error["problem"])
        if problems:
            report.rejected += [{"feature": n, **p} for p in problems.items]
            continue
        records.append((n, *map(values.get, CLIENT_FIELDS), ewkb[i]))
    return records


async def checked_batches(
    features: FileFeatures, report: ImportReport, size: int = BATCH
) -> AsyncIterator[tuple[int, list[tuple]]]:
    """Per batch, how many features are checked so far and the staging records of the
    batch's valid ones; each batch is checked in a worker thread.

    The thread leaves the event loop free, so the database keeps working on the
    previous batch meanwhile (the checks hold the GIL, but the loop only needs it for
    moments). Refusals go to `report` as they are found.
    """
    catalogue = load_catalogue()
    for start in range(0, len(features), size):
        records = await asyncio.to_thread(
            check_measures, features, report, start, start + size, catalogue
        )
        yield min(start + size, len(features)), records


class _Pipeline:
    """Derive batches on a helper connection while the main one stores earlier ones.

    Three stages overlap: a worker thread checks batch k+2, `helper` derives batch k+1
    (staging, municipality, area, impacts, in temp tables of its own session: nothing
    committed, nothing left behind) and hands the rows over as binary COPY data, and
    `conn` copies batch k into `measures` in its transaction. That insert, with its
    row trigger, foreign keys and nine indexes, is the one part that cannot be split;
    everything else moves off its connection and onto the other core.
    """

    def __init__(
        self,
        conn: asyncpg.Connection,
        helper: asyncpg.Connection,
        *,
        partner: str | None,
        source: str,
        review_state: str,
        dry_run: bool,
    ) -> None:
        self.conn = conn
        self.helper = helper
        self.values = (review_state, source, partner)
        self.dry_run = dry_run
        self.outside: list[int] = []
        self.stored = 0
        self.tasks: list[asyncio.Task] = []

    async def prepare(self) -> None:
        """The helper's staging tables and geometry format."""
        await imports.create_staging(self.helper)

    async def add(self, records: list[tuple]) -> None:
        """Queue a batch; waits while two batches are in flight (flat memory)."""
        last_derive = self.tasks[-2] if self.tasks else None
        last_store = self.tasks[-1] if self.tasks else None
        derive = asyncio.create_task(self._derive(records, last_derive))
        self.tasks += [derive, asyncio.create_task(self._store(derive, last_store))]
        if len(self.tasks) > 4:
            await self.tasks[-5]

    async def finish(self) -> None:
        """Wait until every queued batch is derived and stored."""
        if self.tasks:
            await self.tasks[-1]

    async def abort(self) -> None:
        """Stop at once: statements may still run, so close both connections (the
        server then rolls the transaction back)."""
        self.conn.terminate()
        self.helper.terminate()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def busy(self) -> bool:
        """Whether a batch is still being derived or stored."""
        return any(not task.done() for task in self.tasks)

    async def _derive(
        self, records: list[tuple], after: asyncio.Task | None
    ) -> tuple[list[int], list[bytes] | None]:
        """The features outside all municipalities, and the rows for `measures` as
        binary COPY data (None when nothing is to be stored)."""
        if after is not None:
            await after  # a connection runs one statement at a time
        refused = await imports.derive_batch(self.helper, records, *self.values)
        await impacts.store_impacts(self.helper, "import")
        if refused or self.dry_run:
            return refused, None
        return refused, await imports.derived_rows(self.helper)

    async def _store(self, derived: asyncio.Task, after: asyncio.Task | None) -> None:
        refused, data = await derived
        if after is not None:
            await after
        self.outside += refused  # stores run in batch order, so this list is sorted
        if data is None or self.outside:
            return

        self.stored += await imports.copy_measures(self.conn, data)


async def store_measures(
    conn: asyncpg.Connection,
    helper: asyncpg.Connection,
    batches: AsyncIterator[tuple[int, list[tuple]]],
    report: ImportReport,
    *,
    partner: str | None,
    source: str,
    review_state: str,
    dry_run: bool,
    progress: Progress | None = None,
) -> None:
    """Derive on `helper` and store on `conn`, batch by batch, in one transaction on
    `conn`; roll back on any refusal or dry run.

    Features refused by the database (outside all municipalities) are reported only
    when every feature passed the checks in Python, as before batching: the report
    does not depend on where the batches happen to be cut.
    """
    step = progress or (lambda *_: None)
    pipeline = _Pipeline(
        conn, helper, partner=partner, source=source, review_state=review_state, dry_run=dry_run
    )
    await pipeline.prepare()
    transaction = conn.transaction()
    await transaction.start()
    try:
        # Municipality, area and impacts come derived: the trigger need not derive them
        # again. Each batch's COPY would bump the data version; once at the end is enough.
        await imports.defer_derivation(conn)
        async for checked, records in batches:
            if report.rejected:
                # Something is refused already: nothing will be stored, but the rest of
                # the file is still checked so that every refusal is reported.
                step("check", checked, report.read)
                continue
            await pipeline.add(records)
            step("store", checked, report.read)
        await pipeline.finish()
        if not report.rejected:
            report.rejected += [
                {
                    "feature": n,
                    "where": "/geometry",
                    "problem": OUTSIDE,
                }
                for n in pipeline.outside
            ]
        if report.rejected or dry_run:
            await transaction.rollback()
            return
        await measures.bump_data_version(conn)
        await transaction.commit()
        report.imported = pipeline.stored
    except BaseException:
        if pipeline.busy():
            await pipeline.abort()
        else:
            await transaction.rollback()
        raise


async def import_file(
    dsn: str,
    path: Path,
    *,
    partner: str | None = None,
    layer: str | None = None,
    dry_run: bool = False,
    publish: bool = False,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Import every feature of a file, or none; the report says which were refused and why.

    `batch` features at a time go through checking and storing (see `BATCH`).
    """
    features, report = read_measures(path, layer)
    if progress:
        progress("store", 0, report.read)
    conn, helper = await asyncio.gather(asyncpg.connect(dsn), asyncpg.connect(dsn))
    try:
        await store_measures(
            conn,
            helper,
            checked_batches(features, report, batch),
            report,
            partner=partner,
            source=f"import:{path.name}",
            review_state="published" if publish else "submitted",
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        for c in (conn, helper):
            if not c.is_closed():
                await c.close()
    return report
