"""Water-balance impact computed by hand for known measures."""

from __future__ import annotations

import pytest

from app.domain.catalogue import load_catalogue
from app.domain.water_balance import impact, progress


def test_a_100_m2_extensive_green_roof_at_800_mm() -> None:
    catalogue = load_catalogue()
    roof = catalogue.types["green_roof_extensive"]  # a 0.5, g 0, v 0.5
    result = impact(
        roof,
        catalogue.reference_state,
        area_m2=100.0,
        disconnected_area_m2=None,
        precipitation_mm=800.0,
    )
    # 100 m² x 0.8 m = 80 m³ of rain a year; the sealed roof ran off 90 %, evaporated 10 %.
    assert result.affected_area_m2 == 100.0
    assert result.runoff_avoided_m3 == pytest.approx(80 * (0.9 - 0.5))  # 32 m³/a
    assert result.extra_evaporation_m3 == pytest.approx(80 * (0.5 - 0.1))  # 32 m³/a
    assert result.extra_infiltration_m3 == pytest.approx(0.0)


def test_a_swale_counts_its_catchment() -> None:
    catalogue = load_catalogue()
    swale = catalogue.types["swale"]  # a 0, g 0.85, v 0.15
    result = impact(
        swale,
        catalogue.reference_state,
        area_m2=40.0,
        disconnected_area_m2=400.0,
        precipitation_mm=750.0,
    )
    rain = 400 * 0.75
    assert result.affected_area_m2 == 400.0
    assert result.runoff_avoided_m3 == pytest.approx(rain * 0.9)
    assert result.extra_infiltration_m3 == pytest.approx(rain * 0.85)
    assert result.extra_evaporation_m3 == pytest.approx(rain * 0.05)


def test_progress_needs_a_baseline() -> None:
    assert progress(1000.0, 100.0, None, 800.0).disconnected_share is None
    done = progress(
        disconnected_m2=25_000.0,
        extra_evaporation_m3=8_000.0,
        sealed_area_m2=100_000.0,
        precipitation_mm=800.0,
    )
    assert done.disconnected_share == pytest.approx(0.25)
    assert done.disconnection_target_reached == pytest.approx(1.0)
    assert done.evaporation_change_pp == pytest.approx(10.0)  # 8,000 of 80,000 m³
    assert done.evaporation_target_reached == pytest.approx(1.0)
