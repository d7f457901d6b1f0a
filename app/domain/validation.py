"""Checks of a submitted measure before anything is stored. Pure: no web, no database.

Every problem is collected as {"where": JSON pointer, "problem": English text, "code":
message id, "params": ...} (`app.domain.messages`); the caller raises one error listing
all of them, which the HTTP layer renders in the caller's language.
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
from app.domain.messages import problem as message_problem
from app.domain.region import REGION, Region
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
    "disconnected_area_source",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    "partner",
    "created_at",
    "updated_at",
    "version",
    "revision_of",
)
# Sent as null (as QGIS sends every field the user left empty), these mean "as it is":
# the review fields stay unchanged, a status not given is the default (planned) on
# create and replace and unchanged in a patch.
NULL_MEANS_UNCHANGED = frozenset(("status", "review_state", "review_note"))
# Built once: bulk imports check a hundred thousand property sets in a row.
PROPERTY_FIELDS = CLIENT_FIELDS + REVIEW_FIELDS
KNOWN_PROPERTIES = frozenset(PROPERTY_FIELDS + READ_ONLY)
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


# C0 and C1 control characters and DEL; tab, line feed and carriage return are text.
# NUL in particular: GDAL and other C libraries end a string there, PostgreSQL refuses it.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problem(value: str) -> str | None:
    """Why a text may not be stored as it is (a control character in it), or None."""
    found = control_character(value)
    return None if found is None else message_problem("", found[0], **found[1])["problem"]


def control_character(value: str) -> Message | None:
    """The message id and parameters of a control character in `value`, or None."""
    found = _CONTROL_CHARACTER.search(value)
    if found is None:
        return None
    return "text.control_character", {
        "codepoint": f"{ord(found.group()):04X}",
        "position": found.start(),
    }


# A message id and its parameters (`app.domain.messages`).
Message = tuple[str, dict[str, Any]]


@dataclass
class Problems:
    """Collected validation problems."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: str, code: str, **params: Any) -> None:
        self.items.append(message_problem(where, code, **params))

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


# How deep each geometry type nests its positions (RFC 7946 section 3.1); the message
# `geometry.nesting.<type>` says it in words.
COORDINATE_LEVELS = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _is_position(node: Any) -> bool:
    return (
        isinstance(node, list)
        and len(node) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in node)
    )


def _structure_problem(raw: dict[str, Any]) -> Message | None:
    """Coordinates must nest as their type says: a flat list of numbers is no Polygon."""
    levels = COORDINATE_LEVELS[raw["type"]]
    stack = [(raw.get("coordinates"), 0)]
    while stack:
        node, level = stack.pop()
        if (level == levels and not _is_position(node)) or (
            level < levels and not isinstance(node, list)
        ):
            return f"geometry.nesting.{raw['type']}", {}
        if level < levels:
            stack.extend((child, level + 1) for child in node)
    return None


def _ring_problem(raw: dict[str, Any]) -> Message | None:
    """RFC 7946 rings are closed and have 4 or more positions; Shapely would close them."""
    if raw["type"] == "Polygon":
        polygons = [raw["coordinates"]]
    elif raw["type"] == "MultiPolygon":
        polygons = raw["coordinates"]
    else:
        return None
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list):
            return "geometry.rings_not_list", {}
        for r, ring in enumerate(rings):
            if not isinstance(ring, list) or len(ring) < 4:
                return "geometry.ring_short", {"ring": r, "polygon": p}
            if list(ring[0]) != list(ring[-1]):
                return "geometry.ring_open", {"ring": r, "polygon": p}
    return None


def check_geometry(
    raw: Any, problems: Problems, region: Region, transform: Any = None
) -> BaseGeometry | None:
    """A valid, allowed-size geometry in lon/lat, or None with the problems recorded."""
    where = "/geometry"
    if not isinstance(raw, dict) or raw.get("type") not in GEOMETRY_TYPES:
        problems.add(where, "geometry.kind", types=", ".join(GEOMETRY_TYPES))
        return None
    points = _coordinates(raw)
    if not points:
        problems.add(where, "geometry.no_coordinates")
        return None
    if len(points) > MAX_VERTICES:
        problems.add(where, "geometry.too_many_vertices", count=len(points), max=MAX_VERTICES)
        return None
    for point in points:
        if len(point) < 2 or not all(
            isinstance(c, int | float) and math.isfinite(c) for c in point
        ):
            problems.add(where, "geometry.bad_coordinate", coordinate=repr(point))
            return None
    shape_problem = _structure_problem(raw) or _ring_problem(raw)
    if shape_problem:
        problems.add(where, shape_problem[0], **shape_problem[1])
        return None
    try:
        geometry = shape(raw)
    except (ShapelyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        problems.add(where, "geometry.unreadable", type=raw["type"], reason=str(exc))
        return None
    if geometry.is_empty:
        problems.add(where, "geometry.empty")
        return None
    if not geometry.is_valid:
        problems.add(where, "geometry.invalid", reason=explain_validity(geometry))
        return None
    if transform is not None:
        geometry = transform(geometry)
    if not region.contains(geometry):
        swapped = shape({"type": "Point", "coordinates": list(geometry.centroid.coords[0])[::-1]})
        swap = region.contains(swapped)
        problems.add(
            where, "geometry.outside_region_swapped" if swap else "geometry.outside_region"
        )
        return None
    return geometry


def _text(name: str, value: Any) -> tuple[Any, Message | None]:
    if not isinstance(value, str):
        return value, ("value.not_string", {})
    control = control_character(value)
    if control:
        return value, control
    if len(value) > TEXT_LIMITS[name]:
        return value, ("text.too_long", {"length": len(value), "max": TEXT_LIMITS[name]})
    if name == "title" and not value.strip():
        return value, ("text.blank", {})
    return value, None


def _number(name: str, value: Any) -> tuple[Any, Message | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value, ("value.not_number", {})
    if not math.isfinite(value) or value < 0:
        return value, ("value.negative", {})
    if value > NUMBER_LIMITS[name]:
        return value, (
            "value.implausible",
            {"value": value, "limit": f"{NUMBER_LIMITS[name]:,.0f}"},
        )
    return float(value), None


def _date(value: Any) -> tuple[Any, Message | None]:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return value, ("date.format", {})
    if not dt.date(1990, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=366 * 5):
        return value, ("date.implausible", {"date": str(day)})
    return day, None


def _choice(value: Any, allowed: tuple[str, ...] | dict[str, Any]) -> Message | None:
    if not isinstance(value, str):
        return "value.not_string_got", {"got": type(value).__name__}
    if value in allowed:
        return None
    return "value.one_of", {"allowed": ", ".join(allowed), "value": repr(value)}


def check_value(name: str, value: Any, catalogue: Catalogue) -> tuple[Any, Message | None]:
    """One property value, normalised, or the problem with it (a message id and its
    parameters)."""
    if name == "type":
        problem = _choice(value, catalogue.types)
        if problem and problem[0] == "value.one_of":
            problem = "type.unknown", {"value": repr(value)}
        return value, problem
    if name == "status":
        return value, _choice(value, catalogue.statuses)
    if name == "review_state":
        return value, _choice(value, catalogue.review_states)
    if name in TEXT_LIMITS:
        return _text(name, value)
    if name in NUMBER_LIMITS:
        return _number(name, value)
    if name == "completed_on":
        return _date(value)
    if name in ELEMENT_PARAMETERS or name in NUMBER_PARAMETERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, ("value.not_number", {})
        if not math.isfinite(value) or value < 0:
            return value, ("value.negative", {})
        return float(value), None
    if name in PARAMETERS and not isinstance(value, str):
        return value, ("value.not_string", {})
    return value, None


def check_rules(
    values: dict[str, Any], catalogue: Catalogue, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Rules across properties of a whole measure (after a patch is merged): dates that
    fit the status, and water-balance parameters that fit the type and the validity
    ranges of its DWA-M 102-4 regression."""
    today = today or dt.date.today()
    problems = Problems()
    status, day = values.get("status"), values.get("completed_on")
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    where = "/properties/completed_on"
    if status == "completed":
        if day is None:
            problems.add(where, "completed_on.missing")
        elif day > today:
            problems.add(where, "completed_on.future", date=str(day), today=str(today))
    elif status == "planned" and day is not None and day < today:
        problems.add(where, "completed_on.past_planned", date=str(day))
    measure_type = catalogue.types.get(values.get("type") or "")
    if measure_type is not None:
        for name, (code, params) in check_parameters(measure_type, values):
            problems.add(f"/properties/{name}", code, **params)
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
        problems.add(f"/properties/{name}", "property.unknown")
    if not partial:
        for name in ("type", "title"):
            if props.get(name) in (None, ""):
                problems.add(f"/properties/{name}", "property.required")
    values: dict[str, Any] = {}
    for name in (n for n in PROPERTY_FIELDS if n in props):
        where = f"/properties/{name}"
        if props[name] is None and name in NULL_MEANS_UNCHANGED:
            continue
        if name in REVIEW_FIELDS and not may_review:
            problems.add(where, "property.review_only")
        elif props[name] is None:
            if name in ("type", "title"):
                # "is required" already says it of a missing type or title.
                if partial:
                    problems.add(where, "property.not_null")
            else:
                values[name] = None
        else:
            value, problem = check_value(name, props[name], catalogue)
            if problem:
                problems.add(where, problem[0], **problem[1])
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
) -> tuple[CheckedMeasure | None, list[dict[str, Any]]]:
    """Check a GeoJSON Feature (or, with `partial`, a merge patch of one). Every problem
    is reported at once: the rules across properties and the type's geometry are checked
    on the values that passed, even when others did not."""
    problems = Problems()
    region = region or REGION
    if not isinstance(doc, dict):
        problems.add("", "feature.not_object")
        return None, problems.items
    if not partial and doc.get("type") != "Feature":
        problems.add("/type", "feature.type")
    props = doc.get("properties", {} if partial else None)
    if not isinstance(props, dict):
        problems.add("/properties", "properties.not_object")
        props = {}
    geometry = None
    if "geometry" in doc or not partial:
        checked = check_geometry(doc.get("geometry"), problems, region, transform)
        geometry = mapping(checked) if checked is not None else None
    values = check_properties(props, catalogue, problems, partial=partial, may_review=may_review)
    if not partial:
        failed = {p["where"] for p in problems.items}
        # A rule about a field that already has a problem would only repeat it.
        problems.items += [p for p in check_rules(values, catalogue) if p["where"] not in failed]
        if geometry is not None and "type" in values:
            problems.items += check_type_fits_geometry(catalogue, values["type"], geometry["type"])
    if problems:
        return None, problems.items
    return CheckedMeasure(values=values, geometry=geometry), []


def check_type_fits_geometry(
    catalogue: Catalogue, type_id: str, geometry_type: str
) -> list[dict[str, Any]]:
    """The geometry type must be one the measure type allows."""
    measure_type = catalogue.types.get(type_id)
    if measure_type and not geometry_allowed(measure_type, geometry_type):
        allowed = ", ".join(measure_type.geometry_types)
        return [
            message_problem(
                "/geometry/type",
                "geometry.type_not_allowed",
                geometry_type=geometry_type,
                type=type_id,
                allowed=allowed,
            )
        ]
    return []
