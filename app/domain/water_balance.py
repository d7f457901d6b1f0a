"""What one measure does to the water balance, after DWA-M 102-4 (2022).

The effect of a measure is the split of what it is minus the split of what it replaced,
times the rain on the area, at the municipality's climate (P, ETp):
- surfaces (green roof, retention roof, permeable paving): their own area, before =
  `surface_before`;
- systems (swale, trench, tree trench, disconnection): the runoff of the connected area
  (`disconnected_area_m2`, before = `catchment_surface`) routed into the system plus the
  rain on the system itself, split by the system's regression;
- cisterns: rainwater use of the connected roof;
- unsealing: the municipality's undeveloped reference split, where one is set;
- types that are no M 102-4 element: no effect, and the reason.

This is the only definition of a measure's impact: the preview (POST /impact), every
write path and every refresh store what `measure_effect` returns.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.catalogue import MeasureType
from app.domain.m102_4 import Elements, OutOfRange, Split, load_elements, rainwater_use, split

CLIMATE_PATH = Path(__file__).with_name("climate.json")

# The water-balance properties of a measure, beside the facts every measure has.
SURFACE_PARAMETERS = ("surface_before", "catchment_surface")
PAVING_KINDS = ("joints_2_5", "joints_6_10", "porous", "gravel_lawn", "grass_pavers", "water_bound")
# Measure property -> the element parameter it feeds (the element's range applies).
ELEMENT_PARAMETERS = {
    "substrate_depth_mm": "substrate_depth_mm",
    "storage_height_mm": "storage_mm",
    "kf_mm_h": "kf_mm_h",
}
NUMBER_PARAMETERS = ("cistern_use_l_per_day", "irrigated_area_m2")
# Inputs of the rainwater-use regression -> the measure property they come from.
CISTERN_INPUTS = {
    "storage_mm": "retention_volume_m3",
    "use_mm_d": "cistern_use_l_per_day",
    "irrigated_share": "irrigated_area_m2",
}
TEXT_PARAMETERS = (*SURFACE_PARAMETERS, "paving_kind")
PARAMETERS = (*TEXT_PARAMETERS, *ELEMENT_PARAMETERS, *NUMBER_PARAMETERS)

DISCONNECTION_TARGET = 0.25  # share of the sealed area disconnected from the combined sewer
EVAPORATION_TARGET_PP = 10.0  # percentage points more evaporation


@dataclass(frozen=True)
class Climate:
    """Long-term P and ETp (mm/a) for a place, where they come from, and the
    undeveloped reference split if one is set."""

    precipitation_mm: float
    etp_mm: float
    source: str
    is_default: bool
    note: str | None = None
    reference: Split | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "precipitation_mm": self.precipitation_mm,
            "etp_mm": self.etp_mm,
            "source": self.source,
            "is_default": self.is_default,
            "note": self.note,
        }


@lru_cache
def _climate_table(path: Path = CLIMATE_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def region_climate() -> Climate:
    """The Emscher-Lippe default, for places without a figure of their own."""
    table = _climate_table()
    default = table["region_default"]
    return Climate(
        default["precipitation_mm"], default["etp_mm"], "region default", True, default["source"]
    )


def default_climate(ags: str | None) -> Climate:
    """The municipality's climate from the shipped table (marked as a default), or the
    region's."""
    table = _climate_table()
    row = table["municipalities"].get(ags or "")
    if row is None:
        return region_climate()
    # The entry's own source says what each of its two figures rests on; an entry with a
    # stand-in figure stays unverified, and the note says so up front.
    source = row.get("source") or table["source"]
    return Climate(
        row["precipitation_mm"],
        row["etp_mm"],
        "municipality default",
        True,
        source if row["verified"] else f"not verified: {source}",
    )


def climate_of(ags: str | None, baseline: dict[str, Any] | None) -> Climate:
    """A municipality's climate: its baseline's P and ETp where set, else the default;
    the baseline's reference split travels along."""
    base = default_climate(ags)
    baseline = baseline or {}
    p, e = baseline.get("precipitation_mm"), baseline.get("etp_mm")
    reference = None
    if baseline.get("reference_runoff") is not None and baseline.get("reference_source"):
        reference = Split(
            baseline["reference_runoff"],
            baseline["reference_infiltration"],
            baseline["reference_evaporation"],
        )
    if p is None and e is None:
        return Climate(base.precipitation_mm, base.etp_mm, base.source, True, base.note, reference)
    return Climate(
        float(p if p is not None else base.precipitation_mm),
        float(e if e is not None else base.etp_mm),
        "baseline",
        False,
        baseline.get("climate_source") or baseline.get("precipitation_source"),
        reference,
    )


@dataclass(frozen=True)
class Part:
    """One side of the comparison: the element, the area it covers and its split."""

    element: str
    area_m2: float
    split: Split
    inflow_m3: float | None = None

    def as_json(self) -> dict[str, Any]:
        out = {"element": self.element, "area_m2": round(self.area_m2, 2), **self.split.as_json()}
        if self.inflow_m3 is not None:
            out["inflow_m3"] = round(self.inflow_m3, 1)
        return out


@dataclass(frozen=True)
class Effect:
    """A measure's annual effect (m³/a; None: not computed, `reason` says why)."""

    computed: bool
    runoff_avoided_m3: float | None = None
    extra_evaporation_m3: float | None = None
    extra_infiltration_m3: float | None = None
    before: Part | None = None
    after: Part | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    formula: str | None = None
    source: str | None = None
    reason: str | None = None
    reason_de: str | None = None

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "computed": self.computed,
            "reason": self.reason,
            "reason_de": self.reason_de,
            "runoff_avoided_m3": r(self.runoff_avoided_m3),
            "extra_evaporation_m3": r(self.extra_evaporation_m3),
            "extra_infiltration_m3": r(self.extra_infiltration_m3),
            "before": self.before.as_json() if self.before else None,
            "after": self.after.as_json() if self.after else None,
            "parameters": self.parameters,
            "formula": self.formula,
            "source": self.source,
        }


def not_computed(reason: str, reason_de: str | None = None) -> Effect:
    """An effect the method cannot give, with the reason (and in German, where known)."""
    return Effect(computed=False, reason=reason, reason_de=reason_de)


def _given(props: dict[str, Any], name: str, defaults: dict[str, Any]) -> Any:
    value = props.get(name)
    return defaults.get(name) if value is None else value


def parameters_of(measure_type: MeasureType, props: dict[str, Any]) -> dict[str, Any]:
    """The type's water-balance parameters: the measure's values, else the defaults."""
    model = measure_type.water_balance
    return {
        name: _given(props, name, model.defaults)
        for name in model.parameters
        if name != "retention_volume_m3"
    }


def _element_id(measure_type: MeasureType, params: dict[str, Any]) -> str:
    model = measure_type.water_balance
    return str(params[model.element_from]) if model.element_from else str(model.element)


def _element_parameters(params: dict[str, Any]) -> dict[str, float]:
    return {
        ELEMENT_PARAMETERS[name]: float(value)
        for name, value in params.items()
        if name in ELEMENT_PARAMETERS and value is not None
    }


def _describe(elements: Elements, element_id: str) -> tuple[str, str]:
    element = elements.get(element_id)
    return element.expression, element.source


def _volumes(rain_m3: float, before: Split, after: Split) -> tuple[float, float, float]:
    return (
        rain_m3 * (before.runoff - after.runoff),
        rain_m3 * (after.evaporation - before.evaporation),
        rain_m3 * (after.infiltration - before.infiltration),
    )


def _surface(
    measure_type: MeasureType,
    params: dict[str, Any],
    area_m2: float,
    climate: Climate,
    elements: Elements,
) -> Effect:
    P, E = climate.precipitation_mm, climate.etp_mm
    element_id = _element_id(measure_type, params)
    before = split(params["surface_before"], P, E, elements=elements)
    after = split(element_id, P, E, _element_parameters(params), elements)
    r, e, i = _volumes(area_m2 * P / 1000.0, before, after)
    formula, source = _describe(elements, element_id)
    return Effect(
        True,
        r,
        e,
        i,
        Part(params["surface_before"], area_m2, before),
        Part(element_id, area_m2, after),
        params,
        formula,
        source,
    )


def _system(
    measure_type: MeasureType,
    params: dict[str, Any],
    area_m2: float,
    catchment_m2: float,
    climate: Climate,
    elements: Elements,
    system: Split,
    element_id: str,
) -> Effect:
    P, E = climate.precipitation_mm, climate.etp_mm
    catchment = split(params["catchment_surface"], P, E, elements=elements)
    rain_c, rain_own = catchment_m2 * P / 1000.0, area_m2 * P / 1000.0
    own_before = system
    if params.get("surface_before"):
        own_before = split(params["surface_before"], P, E, elements=elements)
    routed = catchment.runoff * rain_c
    inflow = routed + rain_own
    # Before: the catchment's runoff went to the sewer, the system's ground did what its
    # old surface did. After: that runoff and the rain on the system are split by it.
    runoff_avoided = routed + own_before.runoff * rain_own - system.runoff * inflow
    extra_evaporation = system.evaporation * inflow - own_before.evaporation * rain_own
    extra_infiltration = system.infiltration * inflow - own_before.infiltration * rain_own
    formula, source = _describe(elements, element_id)
    return Effect(
        True,
        runoff_avoided,
        extra_evaporation,
        extra_infiltration,
        Part(params["catchment_surface"], catchment_m2, catchment),
        Part(element_id, area_m2, system, inflow),
        params,
        formula,
        source,
    )


def measure_effect(
    measure_type: MeasureType,
    props: dict[str, Any],
    area_m2: float,
    climate: Climate,
    elements: Elements | None = None,
) -> Effect:
    """The annual water-balance effect of one measure at `climate`.

    `props` are the measure's properties (disconnected_area_m2, retention_volume_m3 and
    the water-balance parameters). Raises OutOfRange when a value lies outside the range
    of the regression that would use it."""
    elements = elements or load_elements()
    model = measure_type.water_balance
    if model.model == "none":
        return not_computed(str(model.reason), model.reason_de)
    params = parameters_of(measure_type, props)
    catchment_m2 = float(props.get("disconnected_area_m2") or 0.0)
    P, E = climate.precipitation_mm, climate.etp_mm
    if model.model == "surface":
        return _surface(measure_type, params, area_m2, climate, elements)
    if model.model == "reference":
        if climate.reference is None:
            return not_computed(str(model.note))
        before = split(params["surface_before"], P, E, elements=elements)
        r, e, i = _volumes(area_m2 * P / 1000.0, before, climate.reference)
        return Effect(
            True,
            r,
            e,
            i,
            Part(params["surface_before"], area_m2, before),
            Part("undeveloped_reference", area_m2, climate.reference),
            params,
            "undeveloped reference split of the municipality (its baseline)",
            "municipal baseline (reference_source)",
        )
    if model.model == "system":
        element_id = _element_id(measure_type, params)
        system = split(element_id, P, E, _element_parameters(params), elements)
        return _system(
            measure_type, params, area_m2, catchment_m2, climate, elements, system, element_id
        )
    # Cistern: storage and use are per m² of the connected roof.
    volume = props.get("retention_volume_m3")
    if not catchment_m2 or not volume:
        return not_computed(
            "a cistern's effect needs disconnected_area_m2 (the connected roof) and "
            "retention_volume_m3 (its storage)"
        )
    irrigated = params.get("irrigated_area_m2")
    irrigated_share = catchment_m2 if irrigated is None else float(irrigated)
    use = rainwater_use(
        P,
        E,
        storage_mm=float(volume) * 1000.0 / catchment_m2,
        use_mm_d=float(params.get("cistern_use_l_per_day") or 0.0) / catchment_m2,
        irrigated_share=irrigated_share / catchment_m2,
        elements=elements,
    )
    return _system(
        measure_type, params, area_m2, catchment_m2, climate, elements, use, "rainwater_use"
    )


def check_parameters(
    measure_type: MeasureType, props: dict[str, Any], elements: Elements | None = None
) -> list[tuple[str, tuple[str, dict[str, Any]]]]:
    """Problems with a measure's water-balance parameters: unknown surfaces, parameters
    the type does not take, values outside the validity range of its regression. Each
    is (parameter, (message id, its parameters)) of `app.domain.messages`."""
    elements = elements or load_elements()
    model = measure_type.water_balance
    problems: list[tuple[str, tuple[str, dict[str, Any]]]] = [
        (name, ("parameter.not_of_type", {"type": measure_type.id}))
        for name in PARAMETERS
        if props.get(name) is not None and name not in model.parameters
    ]
    if problems:
        return problems
    for name in SURFACE_PARAMETERS:
        value = props.get(name)
        if value is not None and value not in elements.surfaces:
            problems.append(
                (name, ("value.one_of_plain", {"allowed": ", ".join(elements.surfaces)}))
            )
    if props.get("paving_kind") is not None and props["paving_kind"] not in PAVING_KINDS:
        problems.append(
            ("paving_kind", ("value.one_of_plain", {"allowed": ", ".join(PAVING_KINDS)}))
        )
    for name in (*ELEMENT_PARAMETERS, *NUMBER_PARAMETERS):
        value = props.get(name)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            problems.append((name, ("value.negative", {})))
    if problems:
        return problems
    climate = region_climate()
    try:
        measure_effect(measure_type, props, 0.0, climate, elements)
    except OutOfRange as exc:
        direct = [m for m, e in ELEMENT_PARAMETERS.items() if e == exc.name and m in props]
        bounds = {"low": f"{exc.low:g}", "high": f"{exc.high:g}", "element": exc.element}
        if direct:
            problems.append(
                (direct[0], ("parameter.out_of_range", {"value": f"{exc.value:g}", **bounds}))
            )
        else:
            where = CISTERN_INPUTS.get(exc.name, exc.name)
            problems.append(
                (
                    where,
                    (
                        "parameter.gives_out_of_range",
                        {"name": exc.name, "value": f"{exc.value:g}", **bounds},
                    ),
                )
            )
    return problems


def effect_or_reason(
    measure_type: MeasureType, props: dict[str, Any], area_m2: float, climate: Climate
) -> Effect:
    """The effect, or (a stored value out of a regression's range) no effect with why:
    bulk paths never fail on one measure's figures."""
    if not math.isfinite(area_m2):
        return not_computed("the measure has no finite area")
    try:
        return measure_effect(measure_type, props, area_m2, climate)
    except OutOfRange as exc:
        return not_computed(str(exc))


def parameter_fields(
    measure_type: MeasureType, elements: Elements | None = None
) -> list[dict[str, Any]]:
    """The type's water-balance parameters as a form shows them: choices with German and
    English labels, or numbers with their default and the validity range of the type's
    DWA-M 102-4 element (None where the range depends on another choice)."""
    elements = elements or load_elements()
    model = measure_type.water_balance
    element_id = getattr(model, "element", None)
    element = elements.surfaces.get(element_id or "") or elements.systems.get(element_id or "")
    fields: list[dict[str, Any]] = []
    for name in model.parameters if model.model != "none" else ():
        field: dict[str, Any] = {"name": name, "default": model.defaults.get(name)}
        if name in TEXT_PARAMETERS:
            ids = PAVING_KINDS if name == "paving_kind" else tuple(elements.surfaces)
            field["kind"] = "choice"
            field["choices"] = [
                {
                    "id": i,
                    "label_de": elements.get(i).label_de,
                    "label_en": elements.get(i).label_en,
                }
                for i in ids
                if i in elements.surfaces or i in elements.systems
            ]
        else:
            field["kind"] = "number"
            spec = element.parameters.get(ELEMENT_PARAMETERS.get(name, name)) if element else None
            field["range"] = list(spec["range"]) if spec and "range" in spec else None
            if field["default"] is None and spec is not None:
                field["default"] = spec.get("default")
        fields.append(field)
    return fields
