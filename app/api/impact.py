"""`POST /impact`: a measure's water-balance effect before it is stored (a preview for
forms and what-if questions). Validated as `POST /collections/measures/items`; stores
nothing and needs no key."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.body import read_json
from app.api.deps import PoolDep
from app.db.session import connection
from app.domain.catalogue import load_catalogue
from app.domain.m102_4 import OutOfRange, check_climate
from app.domain.region import OUTSIDE
from app.domain.validation import check_feature, check_type_fits_geometry
from app.domain.water_balance import Climate, climate_of, effect_or_reason
from app.errors import InvalidMeasure, InvalidParameter
from app.ogc.openapi import feature_body, responses
from app.sql import impacts as sql
from app.sql import statistics

router = APIRouter(tags=["water balance"])

# As `POST /collections/measures/items` reads them.
MEDIA_TYPES_IN = ("application/geo+json", "application/json")

PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"what-if {what} in mm/a instead of the municipality's ({low}..{high})",
        "schema": {"type": "number", "minimum": low, "maximum": high},
    }
    for name, what, low, high in (
        ("precipitation_mm", "precipitation P", 500, 1700),
        ("etp_mm", "potential grass-reference evapotranspiration ETp", 450, 700),
    )
]


def _number(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidParameter(f"{name} must be a number, got {raw!r}") from None


def _what_if(request: Request, climate: Climate) -> Climate:
    unknown = set(request.query_params) - {"precipitation_mm", "etp_mm"}
    if unknown:
        raise InvalidParameter(f"unknown parameter {', '.join(sorted(unknown))}")
    p, e = _number(request, "precipitation_mm"), _number(request, "etp_mm")
    if p is None and e is None:
        return climate
    climate = Climate(
        p if p is not None else climate.precipitation_mm,
        e if e is not None else climate.etp_mm,
        "query",
        False,
        "what-if values of the request",
        climate.reference,
    )
    try:
        check_climate(climate.precipitation_mm, climate.etp_mm)
    except OutOfRange as exc:
        raise InvalidParameter(str(exc)) from None
    return climate


def _invalid(errors: list[dict[str, str]]) -> InvalidMeasure:
    summary = "; ".join(f"{e['where'] or '/'}: {e['problem']}" for e in errors[:5])
    return InvalidMeasure(f"no effect computed: {summary}", errors=errors)


@router.post(
    "/impact",
    summary="Preview a measure's water-balance effect (stores nothing)",
    responses=responses(200, problems=(400, 413, 422)),
    openapi_extra=feature_body(MEDIA_TYPES_IN, headers=()) | {"parameters": PARAMETERS},
)
async def preview_impact(request: Request, pool: PoolDep) -> Response:
    """Runoff avoided, extra evaporation and extra infiltration (m³/a) of a Feature, with
    the before and after splits, P and ETp used, the formula and its source: exactly
    what the measure will carry once stored."""
    doc = await read_json(request)
    catalogue = load_catalogue()
    measure, errors = check_feature(doc, catalogue)
    if measure is None:
        raise _invalid(errors)
    values = measure.values
    errors = check_type_fits_geometry(catalogue, values["type"], measure.geometry["type"])
    if errors:
        raise _invalid(errors)
    async with connection(pool) as conn:
        place = await sql.select_place(
            conn, orjson.dumps(measure.geometry).decode(), values["type"]
        )
        baseline = None
        if place["municipality"]:
            rows = await statistics.select_baselines(conn)
            baseline = next((dict(r) for r in rows if r["ags"] == place["municipality"]), None)
    if place["municipality"] is None:
        raise _invalid([{"where": "/geometry", "problem": OUTSIDE}])
    climate = _what_if(request, climate_of(place["municipality"], baseline))
    effect = effect_or_reason(catalogue.types[values["type"]], values, place["area_m2"], climate)
    body: dict[str, Any] = {
        "type": values["type"],
        "municipality": place["municipality"],
        "area_m2": round(place["area_m2"], 2),
        "disconnected_area_m2": values.get("disconnected_area_m2"),
        **effect.as_json(),
        "climate": climate.as_json(),
    }
    return Response(orjson.dumps(body), media_type="application/json")
