"""The measure-type catalogue: labels, allowed geometries and water-balance models.

The data lives in `measure_types.json`; this module loads and checks it. Pure Python:
no web framework and no database here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("measure_types.json")
BASE_GEOMETRIES = ("Point", "LineString", "Polygon")
HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")


MODELS = ("surface", "system", "cistern", "reference", "none")


@dataclass(frozen=True)
class WaterModel:
    """How a type's water-balance effect is computed (see `water_balance.measure_effect`):
    the DWA-M 102-4 element it is, the measure properties that parameterise it and their
    defaults, or (model "none") why no effect is computed."""

    model: str
    element: str | None = None
    element_from: str | None = None
    parameters: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    reason: str | None = None
    reason_de: str | None = None  # the same in German, for pages, popups and reports

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model}
        for name in ("element", "element_from", "note", "reason", "reason_de"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.model != "none":
            out["parameters"] = list(self.parameters)
            out["defaults"] = dict(self.defaults)
        return out


@dataclass(frozen=True)
class MeasureType:
    """One catalogue entry."""

    id: str
    label_de: str
    label_en: str
    color: str
    description_de: str
    description_en: str
    geometry_types: tuple[str, ...]
    line_width_m: float | None
    line_width_note: str | None
    drains_catchment: bool
    water_balance: WaterModel

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label_de": self.label_de,
            "label_en": self.label_en,
            "color": self.color,
            "description_de": self.description_de,
            "description_en": self.description_en,
            "geometry_types": list(self.geometry_types),
            "line_width_m": self.line_width_m,
            "line_width_note": self.line_width_note,
            "drains_catchment": self.drains_catchment,
            "water_balance": self.water_balance.as_json(),
        }


@dataclass(frozen=True)
class Catalogue:
    """All types, the reference (conventional) state and the vocabularies."""

    types: dict[str, MeasureType]
    statuses: tuple[str, ...]
    review_states: tuple[str, ...]
    sources: tuple[dict[str, str], ...] = field(default=())
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        """A JSON-serialisable form for the API."""
        return {
            "notes": self.notes,
            "statuses": list(self.statuses),
            "review_states": list(self.review_states),
            "sources": list(self.sources),
            "types": [t.as_json() for t in self.types.values()],
        }


def _water_model(raw: dict[str, Any], owner: str) -> WaterModel:
    model = raw.get("model")
    if model not in MODELS:
        raise ValueError(f"{owner}: water_balance.model must be one of {MODELS}")
    if model == "none" and not (raw.get("reason") and raw.get("reason_de")):
        raise ValueError(
            f"{owner}: a type without a computed effect must say why (reason, reason_de)"
        )
    if model in ("surface", "system", "cistern") and not (
        raw.get("element") or raw.get("element_from")
    ):
        raise ValueError(f"{owner}: water_balance needs the M 102-4 element it is")
    return WaterModel(
        model=model,
        element=raw.get("element"),
        element_from=raw.get("element_from"),
        parameters=tuple(raw.get("parameters", ())),
        defaults=dict(raw.get("defaults", {})),
        note=raw.get("note"),
        reason=raw.get("reason"),
        reason_de=raw.get("reason_de"),
    )


def _measure_type(raw: dict[str, Any]) -> MeasureType:
    type_id = raw["id"]
    geometries = tuple(raw["geometry_types"])
    if not geometries or not set(geometries) <= set(BASE_GEOMETRIES):
        raise ValueError(f"{type_id}: geometry_types must be among {BASE_GEOMETRIES}")
    color = raw.get("color", "")
    if not HEX_COLOUR.fullmatch(color):
        raise ValueError(f"{type_id}: color must be a #rrggbb hex colour for maps and legends")
    width = raw.get("line_width_m")
    if "LineString" in geometries and not (isinstance(width, int | float) and width > 0):
        raise ValueError(f"{type_id}: a type allowing lines needs a positive line_width_m")
    return MeasureType(
        id=type_id,
        label_de=raw["label_de"],
        label_en=raw["label_en"],
        color=color,
        description_de=raw["description_de"],
        description_en=raw["description_en"],
        geometry_types=geometries,
        line_width_m=float(width) if width is not None else None,
        line_width_note=raw.get("line_width_note"),
        drains_catchment=bool(raw["drains_catchment"]),
        water_balance=_water_model(raw["water_balance"], type_id),
    )


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Build and check a catalogue from its JSON document."""
    types = {}
    for raw in data["types"]:
        measure_type = _measure_type(raw)
        if measure_type.id in types:
            raise ValueError(f"{measure_type.id}: listed twice")
        types[measure_type.id] = measure_type
    return Catalogue(
        types=types,
        statuses=tuple(data["statuses"]),
        review_states=tuple(data["review_states"]),
        sources=tuple(data.get("sources", ())),
        notes=data.get("notes", ""),
    )


@lru_cache
def load_catalogue(path: Path = DEFAULT_PATH) -> Catalogue:
    """The catalogue from `path` (the shipped file by default), loaded once."""
    return parse_catalogue(json.loads(path.read_text(encoding="utf-8")))


def geometry_allowed(measure_type: MeasureType, geometry_type: str) -> bool:
    """Whether a GeoJSON geometry type (Multi* included) fits the measure type."""
    base = geometry_type.removeprefix("Multi")
    return base in BASE_GEOMETRIES and base in measure_type.geometry_types
