"""What a measure does to the water balance, and how far a city is from the targets.

Pure functions over the catalogue's shares (runoff a, infiltration g, evaporation v):
precipitation on the affected area was split like the reference state (a sealed,
sewer-connected surface) and is now split like the measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.catalogue import MeasureType, WaterBalance

# Long-term mean annual precipitation of the Emscher-Lippe region, about 800 mm/a
# (DWD gridded climate data 1991-2020 show roughly 750-900 mm/a across the region);
# an estimate until a municipality sets its own value.
DEFAULT_PRECIPITATION_MM = 800.0
DISCONNECTION_TARGET = 0.25  # share of the sealed area disconnected from the combined sewer
EVAPORATION_TARGET_PP = 10.0  # percentage points more evaporation


@dataclass(frozen=True)
class Impact:
    """Annual volumes a measure changes, in m³/a (positive: more of it)."""

    affected_area_m2: float
    runoff_avoided_m3: float
    extra_evaporation_m3: float
    extra_infiltration_m3: float


def affected_area(
    measure_type: MeasureType, area_m2: float, disconnected_area_m2: float | None
) -> float:
    """The area whose rain the measure handles: its catchment where it drains one."""
    if measure_type.drains_catchment and disconnected_area_m2:
        return disconnected_area_m2
    return area_m2


def impact(
    measure_type: MeasureType,
    reference: WaterBalance,
    area_m2: float,
    disconnected_area_m2: float | None,
    precipitation_mm: float = DEFAULT_PRECIPITATION_MM,
) -> Impact:
    """Annual runoff avoided, extra evaporation and extra infiltration of one measure."""
    area = affected_area(measure_type, area_m2, disconnected_area_m2)
    rain_m3 = area * precipitation_mm / 1000.0
    shares = measure_type.water_balance
    return Impact(
        affected_area_m2=area,
        runoff_avoided_m3=rain_m3 * (reference.runoff - shares.runoff),
        extra_evaporation_m3=rain_m3 * (shares.evaporation - reference.evaporation),
        extra_infiltration_m3=rain_m3 * (shares.infiltration - reference.infiltration),
    )


@dataclass(frozen=True)
class Progress:
    """Where a city stands against the Klima.Werk targets (None: no baseline set)."""

    disconnected_share: float | None
    disconnection_target_reached: float | None
    evaporation_change_pp: float | None
    evaporation_target_reached: float | None


def progress(
    disconnected_m2: float,
    extra_evaporation_m3: float,
    sealed_area_m2: float | None,
    precipitation_mm: float,
) -> Progress:
    """Disconnected share of the sealed area, and the evaporation change in percentage
    points of the precipitation on the sealed area, each against its target."""
    if not sealed_area_m2:
        return Progress(None, None, None, None)
    share = disconnected_m2 / sealed_area_m2
    rain_m3 = sealed_area_m2 * precipitation_mm / 1000.0
    change_pp = 100.0 * extra_evaporation_m3 / rain_m3
    return Progress(
        share, share / DISCONNECTION_TARGET, change_pp, change_pp / EVAPORATION_TARGET_PP
    )
