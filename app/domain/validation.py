"""Checks of a submitted measure before anything is stored. Pure: no web, no database.

Every problem is collected as {"where": JSON pointer, "problem": text}; the caller
raises one error listing all of them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from app.domain.catalogue import Catalogue, geometry_allowed
from app.domain.region import OUTSIDE, REGION, Region
from app.domain.water_balance import (
    ELEMENT_PARAMETERS,
    NUMBER_PARAMETERS,
    PARAMETERS,
    check_parameters,
)

MAX_VERTICES = 10_000
TEXT_LIMITS = {
    "title": 200,
    "description": 5000,
    "funding": 200,
    "source": 100,
    "review_note": 2000,
}
# Plausible upper bounds: a retention area of 50 ha, 100,000 m³, 500 million euro.
NUMBER_LIMITS = {
    "disconnected_area_m2": 500_000.0,
    "retention_volume_m3": 100_000.0,
    "cost_eur": 500_000_000.0,
}
CLIENT_FIELDS = (
    "type",
    "title",
    "description",
    "status",
    "disconnected_area_m2",
    "retention_volume_m3",
    "cost_eur",
    "funding",
    "completed_on",
    "source",
    *PARAMETERS,
)
REVIEW_FIELDS = ("review_state", "review_note")
# What the rules across properties (check_rules) read; a patch is checked merged with them.
RULE_FIELDS = (
    "type",
    "status",
    "completed_on",
    "disconnected_area_m2",
    "retention_volume_m3",
    *PARAMETERS,
)
# Set by the server; ignored when a client sends them back (e.g. after a GET).
READ_ONLY = (
    "id",
    "municipality",
    "area_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    "partner",
    "created_at",
    "updated_at",
    "version",
)
# Built once: bulk imports check a hundred thousand property sets in a row.
PROPERTY_FIELDS = CLIENT_FIELDS + REVIEW_FIELDS
KNOWN_PROPERTIES = frozenset(PROPERTY_FIELDS + READ_ONLY)
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


# C0 and C1 control characters and DEL; tab, line feed and carriage return are text.
# NUL in particular: GDAL and other C libraries end a string there, PostgreSQL refuses it.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problem(value: str) -> str | None:
    """Why a text may not be stored as it is (a control character in it), or None."""
    found = _CONTROL_CHARACTER.search(value)
    if found is None:
        return None
    return (
        f"contains the control character U+{ord(found.group()):04X} at position "
        f"{found.start()}; text may not hold control characters other than tab and newline"
    )


@dataclass
class Problems:
    """Collected validation problems."""

    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.items.append({"where": where, "problem": problem})

    def __bool__(self) -> bool:
        return bool(self.items)


def _coordinates(geometry: dict[str, Any]) -> list[Any]:
    flat: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple) and node and isinstance(node[0], int | float):
            flat.append(node)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk(geometry.get("coordinates"))
    return flat


# How each geometry type nests its positions (RFC 7946 section 3.1).
COORDINATE_SHAPES = {
    "Point": (0, "a position [x, y]"),
    "MultiPoint": (1, "a list of positions [x, y]"),
    "LineString": (1, "a list of positions [x, y]"),
    "MultiLineString": (2, "a list of lines, each a list of positions [x, y]"),
    "Polygon": (2, "a list of rings, each a list of positions [x, y]"),
    "MultiPolygon": (3, "a list of polygons, each a list of rings of positions [x, y]"),
}


def _is_position(node: Any) -> bool:
    return (
        isinstance(node, list)
        and len(node) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in node)
    )


def _structure_problem(raw: dict[str, Any]) -> str | None:
    """Coordinates must nest as their type says: a flat list of numbers is no Polygon."""
    levels, expected = COORDINATE_SHAPES[raw["type"]]
    stack = [(raw.get("coordinates"), 0)]
    while stack:
        node, level = stack.pop()
        if level == levels:
            if not _is_position(node):
                return f"is not a valid {raw['type']}: its coordinates must be {expected}"
        elif not isinstance(node, list):
            return f"is not a valid {raw['type']}: its coordinates must be {expected}"
        else:
            stack.extend((child, level + 1) for child in node)
    return None


def _ring_problem(raw: dict[str, Any]) -> str | None:
    """RFC 7946 rings are closed and have 4 or more positions; Shapely would close them."""
    if raw["type"] == "Polygon":
        polygons = [raw["coordinates"]]
    elif raw["type"] == "MultiPolygon":
        polygons = raw["coordinates"]
    else:
        return None
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list):
            return "is not a valid polygon: expected a list of rings"
        for r, ring in enumerate(rings):
            name = f"ring {r} of polygon {p}"
            if not isinstance(ring, list) or len(ring) < 4:
                return f"is not a valid polygon: {name} needs 4 or more positions"
            if list(ring[0]) != list(ring[-1]):
                return f"is not a valid polygon: {name} is not closed"
    return None


def check_geometry(
    raw: Any, problems: Problems, region: Region, transform: Any = None
) -> BaseGeometry | None:
    """A valid, allowed-size geometry in lon/lat, or None with the problems recorded."""
    where = "/geometry"
    if not isinstance(raw, dict) or raw.get("type") not in GEOMETRY_TYPES:
        problems.add(where, f"must be a GeoJSON geometry of type {', '.join(GEOMETRY_TYPES)}")
        return None
    points = _coordinates(raw)
    if not points:
        problems.add(where, "has no coordinates")
        return None
    if len(points) > MAX_VERTICES:
        problems.add(where, f"has {len(points)} vertices; at most {MAX_VERTICES} are accepted")
        return None
    for point in points:
        if len(point) < 2 or not all(
            isinstance(c, int | float) and math.isfinite(c) for c in point
        ):
            problems.add(where, f"coordinate {point!r} is not a pair of finite numbers")
            return None
    shape_problem = _structure_problem(raw) or _ring_problem(raw)
    if shape_problem:
        problems.add(where, shape_problem)
        return None
    try:
        geometry = shape(raw)
    except (ShapelyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        problems.add(where, f"is not a valid {raw['type']}: {exc}")
        return None
    if geometry.is_empty:
        problems.add(where, "is empty")
        return None
    if not geometry.is_valid:
        problems.add(where, f"is invalid: {explain_validity(geometry)} (not repaired)")
        return None
    if transform is not None:
        geometry = transform(geometry)
    if not region.contains(geometry):
        swapped = shape({"type": "Point", "coordinates": list(geometry.centroid.coords[0])[::-1]})
        hint = " (latitude and longitude look swapped)" if region.contains(swapped) else ""
        problems.add(where, OUTSIDE + hint)
        return None
    return geometry


def _text(name: str, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return value, "must be a string"
    control = control_character_problem(value)
    if control:
        return value, control
    if len(value) > TEXT_LIMITS[name]:
        return value, f"is {len(value)} characters; at most {TEXT_LIMITS[name]}"
    if name == "title" and not value.strip():
        return value, "must not be blank"
    return value, None


def _number(name: str, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value, "must be a number"
    if not math.isfinite(value) or value < 0:
        return value, "must be a finite number >= 0"
    if value > NUMBER_LIMITS[name]:
        return value, f"{value} is beyond the plausible {NUMBER_LIMITS[name]:,.0f}"
    return float(value), None


def _date(value: Any) -> tuple[Any, str | None]:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return value, "must be a date YYYY-MM-DD"
    if not dt.date(1990, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=366 * 5):
        return value, f"{day} is not a plausible completion date"
    return day, None


def _choice(value: Any, allowed: tuple[str, ...] | dict[str, Any], what: str) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    return None if value in allowed else f"{what}; got {value!r}"


def check_value(name: str, value: Any, catalogue: Catalogue) -> tuple[Any, str | None]:
    """One property value, normalised, or the problem with it."""
    if name == "type":
        return value, _choice(value, catalogue.types, "unknown type; see /measure-types")
    if name == "status":
        return value, _choice(
            value, catalogue.statuses, f"must be one of {', '.join(catalogue.statuses)}"
        )
    if name == "review_state":
        return value, _choice(
            value, catalogue.review_states, f"must be one of {', '.join(catalogue.review_states)}"
        )
    if name in TEXT_LIMITS:
        return _text(name, value)
    if name in NUMBER_LIMITS:
        return _number(name, value)
    if name == "completed_on":
        return _date(value)
    if name in ELEMENT_PARAMETERS or name in NUMBER_PARAMETERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, "must be a number"
        if not math.isfinite(value) or value < 0:
            return value, "must be a finite number >= 0"
        return float(value), None
    if name in PARAMETERS and not isinstance(value, str):
        return value, "must be a string"
    return value, None


def check_rules(
    values: dict[str, Any], catalogue: Catalogue, today: dt.date | None = None
) -> list[dict[str, str]]:
    """Rules across properties of a whole measure (after a patch is merged): dates that
    fit the status, and water-balance parameters that fit the type and the validity
    ranges of its DWA-M 102-4 regression."""
    today = today or dt.date.today()
    problems = Problems()
    status, day = values.get("status"), values.get("completed_on")
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if status == "completed":
        if day is None:
            problems.add(
                "/properties/completed_on", "a completed measure needs its completion date"
            )
        elif day > today:
            problems.add(
                "/properties/completed_on",
                f"{day} lies in the future; a completed measure was completed by today ({today})",
            )
    elif status == "planned" and day is not None and day < today:
        problems.add(
            "/properties/completed_on",
            f"{day} lies in the past; a planned measure cannot have been completed then "
            "(set status completed, or a future date)",
        )
    measure_type = catalogue.types.get(values.get("type") or "")
    if measure_type is not None:
        for name, problem in check_parameters(measure_type, values):
            problems.add(f"/properties/{name}", problem)
    return problems.items


def check_properties(
    props: dict[str, Any],
    catalogue: Catalogue,
    problems: Problems,
    *,
    partial: bool,
    may_review: bool,
) -> dict[str, Any]:
    """The client-settable values, checked; read-only ones are dropped."""
    for name in sorted(props.keys() - KNOWN_PROPERTIES):
        problems.add(f"/properties/{name}", "is not a property of measures")
    if not partial:
        for name in ("type", "title"):
            if props.get(name) in (None, ""):
                problems.add(f"/properties/{name}", "is required")
    values: dict[str, Any] = {}
    for name in (n for n in PROPERTY_FIELDS if n in props):
        where = f"/properties/{name}"
        if name in REVIEW_FIELDS and not may_review:
            problems.add(where, "only reviewers and admins may set it")
        elif props[name] is None:
            if name in ("type", "title", "status", "review_state"):
                problems.add(where, "must not be null")
            else:
                values[name] = None
        else:
            value, problem = check_value(name, props[name], catalogue)
            if problem:
                problems.add(where, problem)
            else:
                values[name] = value
    return values


@dataclass(frozen=True)
class CheckedMeasure:
    """What may be stored: client values and a lon/lat geometry (GeoJSON)."""

    values: dict[str, Any]
    geometry: dict[str, Any] | None


def check_feature(
    doc: Any,
    catalogue: Catalogue,
    *,
    partial: bool = False,
    may_review: bool = False,
    region: Region | None = None,
    transform: Any = None,
) -> tuple[CheckedMeasure | None, list[dict[str, str]]]:
    """Check a GeoJSON Feature (or, with `partial`, a merge patch of one)."""
    problems = Problems()
    region = region or REGION
    if not isinstance(doc, dict):
        problems.add("", "must be a JSON object (a GeoJSON Feature)")
        return None, problems.items
    if not partial and doc.get("type") != "Feature":
        problems.add("/type", 'must be "Feature"')
    props = doc.get("properties", {} if partial else None)
    if not isinstance(props, dict):
        problems.add("/properties", "must be an object")
        props = {}
    geometry = None
    if "geometry" in doc or not partial:
        checked = check_geometry(doc.get("geometry"), problems, region, transform)
        geometry = mapping(checked) if checked is not None else None
    values = check_properties(props, catalogue, problems, partial=partial, may_review=may_review)
    if not problems and not partial:
        problems.items += check_rules(values, catalogue)
    if problems:
        return None, problems.items
    return CheckedMeasure(values=values, geometry=geometry), []


def check_type_fits_geometry(
    catalogue: Catalogue, type_id: str, geometry_type: str
) -> list[dict[str, str]]:
    """The geometry type must be one the measure type allows."""
    measure_type = catalogue.types.get(type_id)
    if measure_type and not geometry_allowed(measure_type, geometry_type):
        allowed = ", ".join(measure_type.geometry_types)
        return [
            {
                "where": "/geometry/type",
                "problem": f"{geometry_type} is not allowed for {type_id} (allowed: {allowed})",
            }
        ]
    return []
