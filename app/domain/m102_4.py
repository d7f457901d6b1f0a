"""The DWA-M 102-4 regressions: how an element splits the water it receives.

Pure functions of precipitation P (mm/a), potential grass-reference evapotranspiration
ETp (mm/a) and the element's parameters. Coefficients, defaults and validity ranges are
data (`m102_4_elements.json`, each with its source); the expressions are here. Outside
a validity range a function raises `OutOfRange` naming the range: the regressions are
fitted inside them, and extrapolating would give figures nobody can defend.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.bagrov import actual_evaporation_mm

DATA_PATH = Path(__file__).with_name("m102_4_elements.json")


class OutOfRange(ValueError):
    """A value outside the range a regression is valid for."""

    def __init__(self, name: str, value: float, low: float, high: float, element: str) -> None:
        self.name, self.value, self.low, self.high, self.element = name, value, low, high, element
        super().__init__(
            f"{name} = {value:g} is outside {low:g}..{high:g}, the validity range of the "
            f"DWA-M 102-4 regression for {element}"
        )


@dataclass(frozen=True)
class Split:
    """Shares of the water an element receives: runoff a, infiltration g, evaporation v,
    and (rainwater use only) use e; they sum to 1."""

    runoff: float
    infiltration: float
    evaporation: float
    use: float = 0.0

    def as_json(self) -> dict[str, float]:
        out = {
            "runoff": round(self.runoff, 4),
            "infiltration": round(self.infiltration, 4),
            "evaporation": round(self.evaporation, 4),
        }
        if self.use:
            out["use"] = round(self.use, 4)
        return out


@dataclass(frozen=True)
class Element:
    """One M 102-4 element: its formula family, coefficients, parameters and source."""

    id: str
    kind: str  # "surface" or "system"
    label_en: str
    label_de: str
    formula: str
    section: str
    expression: str
    coefficients: Mapping[str, float]
    parameters: Mapping[str, Mapping[str, Any]]

    @property
    def source(self) -> str:
        if self.formula == "bagrov":  # no Annex regression: the section names its sources
            return self.section
        return f"DWA-M 102-4 (2022) / DWA-A 102-2 (2020) Anhang B, {self.section}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label_en": self.label_en,
            "label_de": self.label_de,
            "section": self.section,
            "expression": self.expression,
            "coefficients": dict(self.coefficients),
            "parameters": {k: dict(v) for k, v in self.parameters.items()},
            "source": self.source,
            "verified_against_2022_print": False,
        }


@dataclass(frozen=True)
class Elements:
    """All elements, the climate validity range and the edition note."""

    surfaces: dict[str, Element]
    systems: dict[str, Element]
    climate_range: dict[str, tuple[float, float]]
    edition: str
    sources: tuple[dict[str, str], ...]

    def get(self, element_id: str) -> Element:
        return self.surfaces.get(element_id) or self.systems[element_id]

    def as_json(self) -> dict[str, Any]:
        return {
            "edition": self.edition,
            "climate_range": {k: list(v) for k, v in self.climate_range.items()},
            "sources": list(self.sources),
            "surfaces": [e.as_json() for e in self.surfaces.values()],
            "systems": [e.as_json() for e in self.systems.values()],
        }


def parse_elements(data: dict[str, Any]) -> Elements:
    """Build the element table from its JSON document, checking every element names a
    formula this module knows and a range for each parameter."""

    def build(kind: str, raw: dict[str, Any]) -> dict[str, Element]:
        out = {}
        for element_id, spec in raw.items():
            if spec["formula"] not in FORMULAS:
                raise ValueError(f"{element_id}: unknown formula {spec['formula']!r}")
            for name, param in spec["parameters"].items():
                low, high = param["range"]
                if not low <= high:
                    raise ValueError(f"{element_id}.{name}: empty range")
            out[element_id] = Element(
                id=element_id,
                kind=kind,
                label_en=spec["label_en"],
                label_de=spec["label_de"],
                formula=spec["formula"],
                section=spec["section"],
                expression=spec["expression"],
                coefficients=spec["coefficients"],
                parameters=spec["parameters"],
            )
        return out

    rng = data["climate_range"]
    return Elements(
        surfaces=build("surface", data["surfaces"]),
        systems=build("system", data["systems"]),
        climate_range={
            "precipitation_mm": tuple(rng["precipitation_mm"]),
            "etp_mm": tuple(rng["etp_mm"]),
        },
        edition=data["edition"],
        sources=tuple(data["sources"]),
    )


@lru_cache
def load_elements(path: Path = DATA_PATH) -> Elements:
    """The shipped element table, loaded once."""
    return parse_elements(json.loads(path.read_text(encoding="utf-8")))


def _check(name: str, value: float, low: float, high: float, element: str) -> float:
    if not low <= value <= high:
        raise OutOfRange(name, value, low, high, element)
    return value


def _params(element: Element, given: Mapping[str, float] | None) -> dict[str, float]:
    """The element's parameters: given values checked against their range, defaults else."""
    given = given or {}
    unknown = set(given) - set(element.parameters)
    if unknown:
        raise ValueError(f"{element.id} has no parameter {', '.join(sorted(unknown))}")
    out = {}
    for name, spec in element.parameters.items():
        value = given.get(name, spec.get("default"))
        if value is None:
            raise ValueError(f"{element.id} needs {name}")
        low, high = spec["range"]
        out[name] = _check(name, float(value), low, high, element.label_en)
    return out


def _rest(element: Element, a: float, v: float, e: float = 0.0) -> Split:
    """A split whose infiltration is the remainder; a regression pair may overshoot 1 by
    a little at the edge of its range, which takes nothing below 0."""
    g = max(0.0, 1.0 - a - v - e)
    total = a + g + v + e
    return Split(a / total, g / total, v / total, e / total)


def _roof(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    a = c["c0"] + c["cP"] * P + c["cE"] * E + c["cS"] * math.log(p["storage_mm"] + 1)
    return a, 1.0 - a


def _green_roof(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    h, kf, w = p["substrate_depth_mm"], p["kf_mm_h"], p["water_capacity"]
    a = (
        c["c0"]
        + c["c_lnP"] * math.log(P)
        + c["cP"] * P
        + c["c_invE"] / E
        + c["ch"] * h
        + c["ckf"] * kf
        + c["c_lnW"] * math.log(w)
        + c["c_lnWh"] * math.log(w * h)
    )
    return a, 1.0 - a


def _joints(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    fa, kf, sp, w = p["joint_share_pct"], p["kf_mm_h"], p["storage_mm"], p["water_capacity"]
    a = (
        c["a_lnP"] * math.log(P)
        + c["a_FA"] * fa
        + c["a_Sp"] * sp
        + c["a_W"] * w
        + c["a_num"] / (c["a_den"] + kf)
    )
    v = c["v0"] + c["v_lnP"] * math.log(P) + c["v_E"] * E + c["v_FA"] * fa
    return a, v + c["v_lnSp"] * math.log(1 + sp)


def _porous_v(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> float:
    return (
        c["v0"]
        + c["v_lnP"] * math.log(P)
        + c["v_lnE"] * math.log(E)
        + c["v_Sp"] * p["storage_mm"]
        + c["v_lnh"] * math.log(p["build_up_mm"])
        + c["v_kf"] * p["kf_mm_h"]
    )


def _porous(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    a = (
        c["a_P"] * P
        + c["a_lnSp"] * math.log(p["storage_mm"])
        + c["a_h"] * p["build_up_mm"]
        + c["a_exp"] * math.exp(c["a_k"] / p["kf_mm_h"])
    )
    return a, _porous_v(c, p, P, E)


def _water_bound(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    a = (
        c["a_P"] * P
        + c["a_lnSp"] * math.log(p["storage_mm"])
        + c["a_num"] / (c["a_den"] + p["kf_mm_h"])
    )
    return a, _porous_v(c, p, P, E)


def _grass_pavers(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    fa, sp, w = p["joint_share_pct"], p["storage_mm"], p["water_capacity"]
    a = c["a0"] + c["a_lnFA"] * math.log(fa) + c["a_Sp"] * sp + c["a_lnW"] * math.log(w)
    v = c["v0"] + c["v_lnP"] * math.log(P) + c["v_E"] * E + c["v_lnSp"] * math.log(1 + sp)
    return a, v + c["v_W"] * w


def _surface_infiltration(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    fa = c["fa_c"] * p["kf_mm_h"] ** c["fa_exp"]
    a = c["a0"] + c["a_lnP"] * math.log(P) + c["a_lnFA"] * math.log(fa)
    v = c["v0"] + c["v_lnP"] * math.log(P) + c["v_E"] * E + c["v_lnFA"] * math.log(fa)
    return a, v


def _swale(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    kf = p["kf_mm_h"]
    fa = c["fa_c"] * kf ** c["fa_exp"]
    g = (
        c["g0"]
        + c["g_lnP"] * math.log(P)
        + c["g_E"] * E
        + c["g_FA"] * fa
        + c["g_kf"] * kf
        + c["g_lnkFA"] * math.log(kf / fa)
    )
    v = c["v_E"] * E + c["v_num"] / (P - c["v_P0"]) * fa ** c["v_pow"] + c["v_kf"] * kf
    # This regression gives g and v; the runoff (overflow) is the remainder.
    return max(0.0, 1.0 - g - v), v


def _swale_trench(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    kf = p["kf_mm_h"]
    fa = c["fa_c"] * kf ** c["fa_exp"]
    a = (
        c["a0"]
        + c["a_lnP"] * math.log(P)
        + c["a_FA"] * fa
        + c["a_kf"] * kf
        + c["a_FAkf"] * fa * kf
        + c["a_lnkFA"] * math.log(kf / fa)
    )
    v = c["v_E"] * E + c["v_num"] / (P - c["v_P0"]) * fa ** c["v_pow"] + c["v_kf"] * kf
    return max(0.0, a), v


def _swale_trench_throttled(
    c: Mapping[str, float], p: dict[str, float], P: float, E: float
) -> tuple[float, float]:
    kf, q = p["kf_mm_h"], p["throttle_l_s_ha"]
    fa = c["fa0"] + c["fa_lnq"] * math.log(q) + c["fa_kf"] * kf
    a = (
        c["a0"]
        + c["a_P"] * P
        + c["a_E"] * E
        + c["a_FA"] * fa
        + c["a_q"] * q
        + c["a_lnkf"] * math.log(kf + 1)
    )
    v = (
        c["v0"]
        + c["v_lnP"] * math.log(P)
        + c["v_E"] * E
        + c["v_lnFA"] * math.log(fa)
        + c["v_q"] * q
        + c["v_lnkf"] * math.log(kf + 1)
    )
    return max(0.0, a), v


def _bagrov(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    # No regression: the Bagrov relation gives the evaporation, the M 102-4 direct-runoff
    # share divides what is left between runoff and infiltration.
    v = actual_evaporation_mm(P, E, p["bagrov_n"]) / P
    return (1.0 - v) * p["direct_runoff_share"], v


def _fixed(c: Mapping[str, float], p: dict[str, float], P: float, E: float) -> tuple[float, float]:
    return c["a"], c["v"]


Formula = Callable[[Mapping[str, float], dict[str, float], float, float], tuple[float, float]]
FORMULAS: dict[str, Formula | None] = {
    "roof": _roof,
    "flat": _roof,
    "green_roof": _green_roof,
    "joints": _joints,
    "porous": _porous,
    "grass_pavers": _grass_pavers,
    "water_bound": _water_bound,
    "surface_infiltration": _surface_infiltration,
    "swale": _swale,
    "swale_trench": _swale_trench,
    "swale_trench_throttled": _swale_trench_throttled,
    "fixed": _fixed,
    "bagrov": _bagrov,
    # Their inputs are not one element's parameters: see rainwater_use() and pond().
    "rainwater_use": None,
    "pond": None,
}


def check_climate(precipitation_mm: float, etp_mm: float, elements: Elements | None = None) -> None:
    """Raise OutOfRange unless P and ETp lie where the regressions were fitted."""
    ranges = (elements or load_elements()).climate_range
    _check("precipitation_mm", precipitation_mm, *ranges["precipitation_mm"], "every element")
    _check("etp_mm", etp_mm, *ranges["etp_mm"], "every element")


def split(
    element_id: str,
    precipitation_mm: float,
    etp_mm: float,
    parameters: Mapping[str, float] | None = None,
    elements: Elements | None = None,
) -> Split:
    """The long-term split of the water an element receives at P and ETp."""
    elements = elements or load_elements()
    check_climate(precipitation_mm, etp_mm, elements)
    element = elements.get(element_id)
    formula = FORMULAS[element.formula]
    if formula is None:
        raise ValueError(f"{element_id} needs its own function (rainwater_use or pond)")
    values = _params(element, parameters)
    a, v = formula(element.coefficients, values, precipitation_mm, etp_mm)
    return _rest(element, max(0.0, a), max(0.0, v))


def rainwater_use(
    precipitation_mm: float,
    etp_mm: float,
    storage_mm: float,
    use_mm_d: float,
    irrigated_share: float,
    elements: Elements | None = None,
) -> Split:
    """Rainwater use (B.4.5): the split of a cistern's inflow into overflow (runoff),
    evaporation of irrigation water and in-house use. Storage and use are per m² of the
    connected area (mm, mm/d); irrigated_share is the irrigated area over it."""
    elements = elements or load_elements()
    check_climate(precipitation_mm, etp_mm, elements)
    element = elements.systems["rainwater_use"]
    values = _params(
        element,
        {"storage_mm": storage_mm, "use_mm_d": use_mm_d, "irrigated_share": irrigated_share},
    )
    c, P, E = element.coefficients, precipitation_mm, etp_mm
    sp, br = values["storage_mm"], values["use_mm_d"]
    bw = values["irrigated_share"] * c["irrigation_l_m2_a"]
    vn = min(P, 365 * br + bw)
    v = 0.0
    if bw > 0:
        v = (
            c["v_P"] * P
            + c["v_E"] * E
            + c["v_Bw"] * bw
            + c["v_Bw2"] * bw**2
            + c["v_exp"] * math.exp(c["v_k"] / sp)
            + c["v_num"] / (c["v_den"] + br)
            + c["v_n"] * vn
        )
    e = 0.0
    if br > 0:
        e = (
            c["e0"]
            + c["e_P"] * P
            + c["e_E"] * E
            + c["e_logSp"] * math.log10(sp)
            + c["e_Bw"] * bw
            + c["e_logBr"] * math.log10(br)
            + c["e_n"] * vn
        )
    v, e = max(0.0, v), max(0.0, e)
    a = max(0.0, 1.0 - v - e)
    total = a + v + e
    return Split(a / total, 0.0, v / total, e / total)


def pond(
    precipitation_mm: float,
    etp_mm: float,
    pond_area_m2: float,
    connected: list[tuple[float, float]],
    elements: Elements | None = None,
) -> Split:
    """Pond with inflow from paved surfaces (B.4.6): evaporation from the water surface
    against rain on it plus the runoff of the connected areas [(area m², runoff share)]."""
    check_climate(precipitation_mm, etp_mm, elements)
    inflow = pond_area_m2 + sum(area * share for area, share in connected)
    v = min(1.0, etp_mm * pond_area_m2 / (precipitation_mm * inflow))
    return Split(1.0 - v, 0.0, v)
