"""`/statistics`: how much has been done, what it does for the water balance, and how
far each city (or the region) is from the Klima.Werk targets. JSON or CSV (`f=csv`)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from app.api.deps import CallerDep, KnownMunicipalitiesDep, PoolDep, ResponseCacheDep
from app.api.http_cache import cache_headers, matches, not_modified, representation_etag
from app.api.measure_query import FILTER_PARAMETERS, doc_parameter, parse_measure_query
from app.db.session import connection
from app.domain.catalogue import load_catalogue
from app.domain.water_balance import (
    DEFAULT_PRECIPITATION_MM,
    DISCONNECTION_TARGET,
    EVAPORATION_TARGET_PP,
    progress,
)
from app.errors import Forbidden, InvalidMeasure, InvalidParameter, NotFound, Unauthorized
from app.ogc import params
from app.sql import response_cache, statistics

router = APIRouter(tags=["statistics"])

PARAMETERS = [
    *(
        p
        for p in FILTER_PARAMETERS
        if p["name"] in ("municipality", "type", "status", "review_state", "filter", "filter-lang")
    ),
    doc_parameter("year", "completion year, e.g. 2024 (only completed measures with that date)"),
    doc_parameter("f", "json (default) or csv", enum=["json", "csv"]),
]
ALLOWED = frozenset(p["name"] for p in PARAMETERS)
FIGURES = (
    "count",
    "area_m2",
    "disconnected_area_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
)


SUMS = (
    "count",
    "area_m2",
    "disconnected_area_m2",
    "disconnected_completed_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_evaporation_completed_m3",
    "extra_infiltration_m3",
)


def _roll_up(rows: list[Any], key: str | None) -> dict[Any, dict[str, float]]:
    """Sum the per-group rows by one key (None: one grand total)."""
    out: dict[Any, dict[str, float]] = {}
    for row in rows:
        group = out.setdefault(row[key] if key else "total", dict.fromkeys(SUMS, 0.0))
        for name in SUMS:
            group[name] += float(row[name] or 0)
    return out


def _figures(sums: dict[str, float]) -> dict[str, float | int]:
    out: dict[str, float | int] = {"count": int(sums.get("count", 0))}
    for name in FIGURES[1:]:
        out[name] = round(sums.get(name, 0.0), 1)
    return out


def _year(raw: str | None) -> tuple[dt.date, dt.date] | None:
    if raw is None:
        return None
    if not (raw.isdigit() and 1990 <= int(raw) <= 2100):
        raise InvalidParameter(f"year must be a year like 2024, got {raw!r}")
    return dt.date(int(raw), 1, 1), dt.date(int(raw), 12, 31)


def _targets(
    by_municipality: dict[Any, dict[str, float]], baselines: list[Any], scope: set[str] | None
) -> dict[str, Any]:
    """Progress against both targets for the municipalities in scope that have a baseline."""
    chosen = [b for b in baselines if scope is None or b["ags"] in scope]
    with_baseline = [b for b in chosen if b["sealed_area_m2"]]
    if not with_baseline:
        return {
            "baseline": "no baseline",
            "municipalities_with_baseline": 0,
            "municipalities": len(chosen),
        }
    sealed = sum(b["sealed_area_m2"] for b in with_baseline)
    empty: dict[str, float] = {}
    disconnected = sum(
        by_municipality.get(b["ags"], empty).get("disconnected_completed_m2", 0)
        for b in with_baseline
    )
    evaporation = sum(
        by_municipality.get(b["ags"], empty).get("extra_evaporation_completed_m3", 0)
        for b in with_baseline
    )
    # Rain on the sealed area, each municipality with its own precipitation.
    rain_mm = sum(b["sealed_area_m2"] * b["precipitation_mm"] for b in with_baseline) / sealed
    result = progress(disconnected, evaporation, sealed, rain_mm)
    return {
        "municipalities_with_baseline": len(with_baseline),
        "municipalities": len(chosen),
        "sealed_area_m2": round(sealed, 1),
        "disconnection": {
            "target_share": DISCONNECTION_TARGET,
            "disconnected_completed_m2": round(disconnected, 1),
            "share": result.disconnected_share,
            "target_reached": result.disconnection_target_reached,
        },
        "evaporation": {
            "target_pp": EVAPORATION_TARGET_PP,
            "extra_evaporation_completed_m3": round(evaporation, 1),
            "change_pp": result.evaporation_change_pp,
            "target_reached": result.evaporation_target_reached,
        },
        "baselines": [
            {
                k: b[k]
                for k in (
                    "ags",
                    "name",
                    "sealed_area_m2",
                    "sealed_source",
                    "sealed_year",
                    "evaporation_rate",
                    "precipitation_mm",
                    "is_demo",
                )
            }
            for b in with_baseline
        ],
    }


def _document(rows: list[Any], baselines: list[Any], municipalities: list[str]) -> dict[str, Any]:
    catalogue = load_catalogue()
    names = {b["ags"]: b["name"] for b in baselines}
    total = _roll_up(rows, None).get("total", {})
    groups = {key: _roll_up(rows, key) for key in ("type", "status", "year", "municipality")}

    def ordered(key: str) -> list[tuple[Any, dict[str, float]]]:
        return sorted(groups[key].items(), key=lambda item: (item[0] is None, item[0]))

    return {
        "scope": {"municipalities": municipalities or "region"},
        "assumptions": {
            "precipitation_mm_default": DEFAULT_PRECIPITATION_MM,
            "reference_state": catalogue.reference_state.as_json(),
            "progress_counts": "completed measures only",
        },
        "totals": _figures(total),
        "by_type": [
            {
                "type": t,
                "label_de": catalogue.types[t].label_de,
                "label_en": catalogue.types[t].label_en,
                **_figures(v),
            }
            for t, v in ordered("type")
        ],
        "by_status": [{"status": k, **_figures(v)} for k, v in ordered("status")],
        "by_year": [{"year": k, **_figures(v)} for k, v in ordered("year")],
        "by_municipality": [
            {"municipality": k, "name": names.get(k), **_figures(v)}
            for k, v in ordered("municipality")
        ],
        "targets": _targets(groups["municipality"], baselines, set(municipalities) or None),
    }


def _csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "key", *FIGURES])
    writer.writerow(["total", "", *(doc["totals"].get(f, 0) for f in FIGURES)])
    for group, key in (
        ("by_type", "type"),
        ("by_status", "status"),
        ("by_year", "year"),
        ("by_municipality", "municipality"),
    ):
        for row in doc[group]:
            writer.writerow([key, "" if row[key] is None else row[key], *(row[f] for f in FIGURES)])
    return out.getvalue()


@router.get(
    "/statistics",
    summary="Statistics and progress towards the targets",
    openapi_extra={"parameters": PARAMETERS},
)
async def get_statistics(
    request: Request,
    pool: PoolDep,
    caller: CallerDep,
    known_municipalities: KnownMunicipalitiesDep,
    cache: ResponseCacheDep,
) -> Response:
    """Counts, areas and water-balance volumes by type, status, year and municipality;
    disconnected share against 25 % and evaporation change against +10 pp."""
    # `f` (json/csv) and `year` are this endpoint's own; the rest are the items filters.
    params.check_unknown(dict(request.query_params), ALLOWED)
    filters = QueryParams(
        [(k, v) for k, v in request.query_params.multi_items() if k not in ("f", "year")]
    )
    query = parse_measure_query(filters, caller.visibility, known_municipalities, allowed=ALLOWED)
    years = _year(request.query_params.get("year"))
    if years:
        query.completed = years
    fmt = request.query_params.get("f", "json")
    if fmt not in ("json", "csv"):
        raise InvalidParameter(f"f must be json or csv, got {fmt!r}")

    async def make(conn: Any) -> tuple[int, bytes]:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            version = await response_cache.current_version(conn)
            rows = await statistics.select_grouped(conn, query)
            baselines = await statistics.select_baselines(conn, DEFAULT_PRECIPITATION_MM)
        doc = _document(rows, baselines, query.municipality)
        return version, _csv(doc).encode() if fmt == "csv" else orjson.dumps(doc)

    # Statistics change only when measures or baselines do: kept like tiles.
    key = (
        "statistics/"
        + hashlib.blake2b(
            repr(
                (
                    sorted(filters.multi_items()),
                    request.query_params.get("year"),
                    query.visibility,
                    fmt,
                )
            ).encode(),
            digest_size=16,
        ).hexdigest()
    )
    async with connection(pool) as conn:
        version = await response_cache.current_version(conn)
        etag = representation_etag(version, request, query.visibility)
        headers = cache_headers(request, etag, visibility=query.visibility)
        if matches(request, etag):
            return not_modified(headers)
        entry = await cache.get(conn, key, version, make)
    if entry.version != version:  # a write came between: label the body with its version
        headers["ETag"] = representation_etag(entry.version, request, query.visibility)
    body = entry.body
    if fmt == "csv":
        headers["Content-Disposition"] = 'attachment; filename="statistics.csv"'
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(body, media_type="application/json", headers=headers)


BASELINE_FIELDS = {
    "sealed_area_m2": (float, 1.0, 2e9),
    "sealed_source": (str, 1, 500),
    "sealed_year": (int, 1990, 2100),
    "evaporation_rate": (float, 0.0, 1.0),
    "evaporation_source": (str, 1, 500),
    "precipitation_mm": (float, 200.0, 2000.0),
    "precipitation_source": (str, 1, 500),
    "is_demo": (bool, None, None),
}


def _check_baseline(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise InvalidMeasure(
            "the body must be a JSON object", errors=[{"where": "", "problem": "not an object"}]
        )
    errors = [
        {"where": f"/{k}", "problem": "unknown field"} for k in doc if k not in BASELINE_FIELDS
    ]
    for name, value in doc.items():
        kind, low, high = BASELINE_FIELDS.get(name, (None, None, None))
        if kind is None or value is None:
            continue
        if kind is bool:
            if not isinstance(value, bool):
                errors.append({"where": f"/{name}", "problem": "must be true or false"})
        elif kind is str:
            if not isinstance(value, str) or not low <= len(value) <= high:
                errors.append({"where": f"/{name}", "problem": f"must be text of 1..{high}"})
        elif (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (low <= value <= high)
        ):
            errors.append({"where": f"/{name}", "problem": f"must be a number {low}..{high}"})
    if doc.get("sealed_area_m2") is not None and not doc.get("sealed_source"):
        errors.append({"where": "/sealed_source", "problem": "a sealed area needs its source"})
    if errors:
        raise InvalidMeasure("the baseline was not stored", errors=errors)
    return doc


@router.get("/statistics/baselines", summary="Baselines of the municipalities")
async def list_baselines(pool: PoolDep) -> Response:
    """Sealed area, evaporation and precipitation per municipality, with their sources."""
    async with connection(pool) as conn:
        rows = await statistics.select_baselines(conn, DEFAULT_PRECIPITATION_MM)
    return Response(
        orjson.dumps({"baselines": [dict(r) for r in rows]}), media_type="application/json"
    )


@router.put("/statistics/baselines/{ags}", summary="Set a municipality's baseline (admins)")
async def put_baseline(ags: str, request: Request, pool: PoolDep, caller: CallerDep) -> Response:
    """Set (parts of) the baseline; fields not sent stay as they are."""
    if caller.role == "anonymous":
        raise Unauthorized("setting baselines needs an admin key")
    if caller.role != "admin":
        raise Forbidden("only admins set baselines")
    try:
        doc = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidMeasure(
            f"the body is not JSON: {exc}", errors=[{"where": "", "problem": "not JSON"}]
        ) from None
    values = _check_baseline(doc)
    async with connection(pool) as conn:
        if await conn.fetchval("SELECT 1 FROM municipalities WHERE ags = $1", ags) is None:
            raise NotFound(f"no municipality {ags!r}")
        row = await statistics.upsert_baseline(conn, ags, values)
    return Response(orjson.dumps(dict(row)), media_type="application/json")
