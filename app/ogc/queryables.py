"""The properties of measures a filter, sortby or properties parameter may name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Queryable:
    """One filterable property: its SQL column, value kind and description."""

    name: str
    column: str
    kind: str  # text | number | integer | date | timestamp | geometry | uuid
    description: str
    enum: tuple[str, ...] | None = None
    sortable: bool = True


JSON_SCHEMA_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "uuid": {"type": "string", "format": "uuid"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "timestamp": {"type": "string", "format": "date-time"},
    "geometry": {"$ref": "https://geojson.org/schema/Geometry.json"},
}


def measure_queryables(
    types: tuple[str, ...], statuses: tuple[str, ...], review_states: tuple[str, ...]
) -> dict[str, Queryable]:
    """The queryables of the measures collection."""
    items = [
        Queryable("id", "id", "uuid", "measure id"),
        Queryable("geometry", "geom", "geometry", "the measure's geometry", sortable=False),
        Queryable("type", "type", "text", "measure type (catalogue id)", types),
        Queryable("title", "title", "text", "title"),
        Queryable("description", "description", "text", "description", sortable=False),
        Queryable("status", "status", "text", "state of implementation", statuses),
        Queryable("review_state", "review_state", "text", "review state", review_states),
        # No `review_note`: a filter on it would tell anyone what a note says, and the
        # note is private to the review process (`access.sees_review_process`).
        Queryable("municipality", "municipality", "text", "8-digit AGS of the municipality"),
        Queryable("area_m2", "area_m2", "number", "area in m² (EPSG:25832)"),
        Queryable(
            "disconnected_area_m2",
            "disconnected_area_m2",
            "number",
            "sealed area disconnected from the combined sewer, m²",
        ),
        Queryable(
            "disconnected_area_source",
            "disconnected_area_source",
            "text",
            "whether the disconnected area was given by the partner or derived from the geometry",
            ("given", "derived"),
        ),
        Queryable("retention_volume_m3", "retention_volume_m3", "number", "retention volume, m³"),
        Queryable("cost_eur", "cost_eur", "number", "cost in euro"),
        # Water-balance parameters (DWA-M 102-4 elements; defaults per type in /measure-types).
        Queryable("surface_before", "surface_before", "text", "surface the measure replaced"),
        Queryable("catchment_surface", "catchment_surface", "text", "surface of the catchment"),
        Queryable("substrate_depth_mm", "substrate_depth_mm", "number", "green-roof build-up, mm"),
        Queryable("storage_height_mm", "storage_height_mm", "number", "retention-roof storage, mm"),
        Queryable("paving_kind", "paving_kind", "text", "kind of permeable paving"),
        Queryable("kf_mm_h", "kf_mm_h", "number", "hydraulic conductivity, mm/h"),
        Queryable(
            "cistern_use_l_per_day", "cistern_use_l_per_day", "number", "rainwater used, l/day"
        ),
        Queryable("irrigated_area_m2", "irrigated_area_m2", "number", "area irrigated, m²"),
        Queryable(
            "runoff_avoided_m3",
            "runoff_avoided_m3",
            "number",
            "runoff kept from the sewer, m³ a year",
        ),
        Queryable(
            "extra_evaporation_m3",
            "extra_evaporation_m3",
            "number",
            "evaporation gained, m³ a year",
        ),
        Queryable(
            "extra_infiltration_m3",
            "extra_infiltration_m3",
            "number",
            "infiltration gained, m³ a year",
        ),
        Queryable("funding", "funding", "text", "funding programme"),
        Queryable("completed_on", "completed_on", "date", "completion date"),
        Queryable("partner", "partner", "text", "submitting partner"),
        Queryable("source", "source", "text", "origin of the record"),
        Queryable("created_at", "created_at", "timestamp", "first stored"),
        Queryable("updated_at", "updated_at", "timestamp", "last changed"),
        Queryable("version", "version", "integer", "version number (ETag)"),
        Queryable(
            "revision_of",
            "revision_of",
            "uuid",
            "a pending revision: the published measure it would change",
        ),
    ]
    return {q.name: q for q in items}


def queryables_schema(queryables: dict[str, Queryable], schema_id: str) -> dict[str, Any]:
    """The JSON Schema document of `/queryables`."""
    properties = {}
    for q in queryables.values():
        prop: dict[str, Any] = {
            "title": q.name,
            "description": q.description,
            **JSON_SCHEMA_TYPES[q.kind],
        }
        if q.enum:
            prop["enum"] = list(q.enum)
        properties[q.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "type": "object",
        "title": "measures",
        "properties": properties,
        "additionalProperties": False,
    }
