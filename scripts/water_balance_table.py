"""Print each measure type's DWA-M 102-4 before/after split and the effect of 100 m²
(own area for surfaces, connected area for systems) at two climates, as Markdown.

    .venv/bin/python scripts/water_balance_table.py
"""

from __future__ import annotations

from app.domain.catalogue import load_catalogue
from app.domain.m102_4 import load_elements, split
from app.domain.water_balance import Climate, measure_effect

CLIMATES = (Climate(800.0, 600.0, "table", False), Climate(900.0, 600.0, "table", False))
# A cistern needs its storage and use: 5 m³ on 100 m² of roof, 100 l a day in the house.
EXTRA = {"cistern": {"retention_volume_m3": 5.0, "cistern_use_l_per_day": 100.0}}


def _split(part: object) -> str:
    s = part.split  # type: ignore[attr-defined]
    use = f"/{s.use:.3f}" if s.use else ""
    return f"{part.element} {s.runoff:.3f}/{s.infiltration:.3f}/{s.evaporation:.3f}{use}"  # type: ignore[attr-defined]


def main() -> None:
    print(
        "| type | before a/g/v | after a/g/v (P 800) | P=800, ETp=600: runoff avoided / "
        "evap. / infiltr. m³/a | P=900, ETp=600: same |"
    )
    print("|---|---|---|---|---|")
    for measure_type in load_catalogue().types.values():
        system = measure_type.water_balance.model in ("system", "cistern")
        props = {"disconnected_area_m2": 100.0, **EXTRA.get(measure_type.id, {})} if system else {}
        area = 0.0 if system else 100.0
        cells = []
        first = None
        for climate in CLIMATES:
            effect = measure_effect(measure_type, props, area, climate)
            first = first or effect
            if not effect.computed:
                cells.append("not computed")
                continue
            cells.append(
                f"{effect.runoff_avoided_m3:.1f} / {effect.extra_evaporation_m3:.1f} / "
                f"{effect.extra_infiltration_m3:.1f}"
            )
        if first is None or not first.computed:
            reason = (first.reason or "")[:60] if first else ""
            print(f"| {measure_type.id} | — | — | {cells[0]}: {reason}… | {cells[1]} |")
            continue
        print(
            f"| {measure_type.id} | {_split(first.before)} | {_split(first.after)} | "
            f"{cells[0]} | {cells[1]} |"
        )


def elements() -> None:
    """Every Annex A/B element's split at both climates (defaults of its parameters)."""
    table = load_elements()
    print("\n| element | P=800, ETp=600: a/g/v | P=900, ETp=600: a/g/v |")
    print("|---|---|---|")
    for element_id in [*table.surfaces, *table.systems]:
        if element_id in ("rainwater_use", "pond"):
            continue
        cells = []
        for climate in CLIMATES:
            s = split(element_id, climate.precipitation_mm, climate.etp_mm)
            cells.append(f"{s.runoff:.3f}/{s.infiltration:.3f}/{s.evaporation:.3f}")
        print(f"| {element_id} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
    elements()
