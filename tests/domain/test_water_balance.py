"""A measure's effect: the split of what it is minus the split of what it replaced."""

from __future__ import annotations

import json

import pytest

from app.domain.catalogue import load_catalogue
from app.domain.m102_4 import OutOfRange, split
from app.domain.messages import text
from app.domain.water_balance import (
    CLIMATE_PATH,
    Climate,
    check_parameters,
    climate_of,
    default_climate,
    measure_effect,
    region_climate,
)

AT_800 = Climate(800.0, 600.0, "test", False)
TYPES = load_catalogue().types


def test_extensive_green_roof_of_100_m2_100_mm_on_a_rough_flat_roof() -> None:
    # P = 800, ETp = 600: 80 m³ of rain a year. Rough flat roof a = 0.8320, green roof
    # (100 mm) a = 0.5351: 0.2969 x 80 = 23.75 m³/a runoff avoided, evaporated instead.
    effect = measure_effect(
        TYPES["green_roof_extensive"],
        {"surface_before": "flat_roof_rough", "substrate_depth_mm": 100},
        100.0,
        AT_800,
    )
    assert effect.before.split.runoff == pytest.approx(0.8320, abs=1e-4)
    assert effect.after.split.runoff == pytest.approx(0.5351, abs=1e-4)
    assert effect.runoff_avoided_m3 == pytest.approx(23.75, abs=0.01)
    assert effect.extra_evaporation_m3 == pytest.approx(23.75, abs=0.01)
    assert effect.extra_infiltration_m3 == 0.0
    assert "Gründach" in effect.source


def test_the_defaults_of_the_type_apply() -> None:
    explicit = measure_effect(
        TYPES["green_roof_extensive"],
        {"surface_before": "flat_roof_rough", "substrate_depth_mm": 100},
        100.0,
        AT_800,
    )
    assert measure_effect(TYPES["green_roof_extensive"], {}, 100.0, AT_800) == explicit


def test_retention_roof_avoids_far_less_than_the_old_fixed_share() -> None:
    effect = measure_effect(TYPES["retention_roof"], {}, 100.0, AT_800)
    # Einstaudach 5 mm, a = 0.6690 vs rough flat roof 0.8320: 13.0 m³/a (was 48 m³/a).
    assert effect.runoff_avoided_m3 == pytest.approx(80 * (0.8320 - 0.6690), abs=0.05)


def test_a_swale_takes_its_catchments_runoff() -> None:
    # 400 m² pitched roof into a 40 m² swale; the swale's own rain counts on both sides.
    effect = measure_effect(
        TYPES["swale"], {"disconnected_area_m2": 400.0, "kf_mm_h": 360}, 40.0, AT_800
    )
    roof = split("pitched_roof", 800, 600)
    swale = split("swale", 800, 600, {"kf_mm_h": 360})
    routed = 400 * 0.8 * roof.runoff
    assert effect.runoff_avoided_m3 == pytest.approx(routed * (1 - swale.runoff))
    assert effect.extra_infiltration_m3 == pytest.approx(routed * swale.infiltration)
    assert effect.extra_evaporation_m3 == pytest.approx(routed * swale.evaporation)
    assert effect.after.inflow_m3 == pytest.approx(routed + 40 * 0.8)


def test_a_swale_on_former_asphalt_also_counts_its_own_ground() -> None:
    on_lawn = measure_effect(TYPES["swale"], {"disconnected_area_m2": 400.0}, 40.0, AT_800)
    on_asphalt = measure_effect(
        TYPES["swale"], {"disconnected_area_m2": 400.0, "surface_before": "asphalt"}, 40.0, AT_800
    )
    assert on_asphalt.runoff_avoided_m3 > on_lawn.runoff_avoided_m3


def test_a_cistern_needs_its_roof_and_volume() -> None:
    none = measure_effect(TYPES["cistern"], {}, 0.0, AT_800)
    assert not none.computed and "disconnected_area_m2" in none.reason
    used = measure_effect(
        TYPES["cistern"],
        {"disconnected_area_m2": 150.0, "retention_volume_m3": 6.0, "cistern_use_l_per_day": 75},
        0.0,
        AT_800,
    )
    assert used.computed and used.runoff_avoided_m3 > 0
    assert used.after.split.use > 0


@pytest.mark.parametrize(
    "type_id",
    ["facade_greening", "stream_daylighting", "emergency_flow_path", "retention_area", "other"],
)
def test_no_invented_effect_for_types_that_are_no_element(type_id: str) -> None:
    effect = measure_effect(TYPES[type_id], {}, 100.0, AT_800)
    assert not effect.computed and effect.runoff_avoided_m3 is None
    assert "DWA-M 102-4" in effect.reason


def test_unsealing_needs_no_reference_split() -> None:
    # The unsealed ground is split by the Bagrov relation (tests/domain/test_bagrov.py),
    # so a municipality without a reference split gets the effect, and one with a
    # reference split gets the same figures.
    plain = measure_effect(TYPES["unsealing"], {}, 100.0, AT_800)
    assert plain.computed and plain.after and plain.after.element == "unpaved_vegetated"
    baseline = {
        "reference_runoff": 0.05,
        "reference_infiltration": 0.35,
        "reference_evaporation": 0.60,
        "reference_source": "test",
        "precipitation_mm": 800.0,
        "etp_mm": 600.0,
    }
    climate = climate_of("05513000", baseline)
    effect = measure_effect(TYPES["unsealing"], {"surface_before": "asphalt"}, 100.0, climate)
    asphalt = split("asphalt", 800, 600)
    lawn = split("unpaved_vegetated", 800, 600)
    assert effect.runoff_avoided_m3 == pytest.approx(80 * (asphalt.runoff - lawn.runoff))
    assert effect.runoff_avoided_m3 == pytest.approx(plain.runoff_avoided_m3)


def _english(found: list[tuple[str, tuple[str, dict]]]) -> dict[str, str]:
    return {name: text(code, "en", **params) for name, (code, params) in found}


def test_out_of_range_parameters_are_refused_with_the_range() -> None:
    problems = _english(
        check_parameters(TYPES["green_roof_intensive"], {"substrate_depth_mm": 800})
    )
    assert "outside 40..500" in problems["substrate_depth_mm"]
    problems = _english(check_parameters(TYPES["retention_roof"], {"storage_height_mm": 60}))
    assert "outside 3..10" in problems["storage_height_mm"]
    problems = _english(check_parameters(TYPES["swale"], {"substrate_depth_mm": 60}))
    assert problems["substrate_depth_mm"] == "is no parameter of swale"
    problems = _english(check_parameters(TYPES["permeable_paving"], {"paving_kind": "lego"}))
    assert "joints_2_5" in problems["paving_kind"]
    with pytest.raises(OutOfRange):
        measure_effect(TYPES["swale"], {"kf_mm_h": 5}, 10.0, AT_800)


def test_climate_defaults_are_marked_and_a_baseline_overrides_them() -> None:
    table = json.loads(CLIMATE_PATH.read_text(encoding="utf-8"))
    assert region_climate().is_default
    assert region_climate().precipitation_mm == table["region_default"]["precipitation_mm"]
    for ags, row in table["municipalities"].items():
        climate = default_climate(ags)
        assert climate.is_default and climate.source == "municipality default"
        assert climate.precipitation_mm == row["precipitation_mm"]
        assert climate.etp_mm == row["etp_mm"]
        # Every entry names what its figures rest on; an unverified one says so first.
        assert row["source"] and row["source"] in climate.note
        assert climate.note.startswith("not verified") is not row["verified"]
    essen = default_climate("05113000")
    own = climate_of("05113000", {"precipitation_mm": 900.0, "climate_source": "DWD"})
    assert (own.precipitation_mm, own.etp_mm, own.is_default) == (900.0, essen.etp_mm, False)


@pytest.mark.parametrize(
    ("type_id", "instead"),
    [
        ("retention_area", "verzögert den Abfluss"),
        ("facade_greening", "kühlt"),
        ("emergency_flow_path", "Überflutung"),
        ("stream_daylighting", "Bach"),
        ("other", "gezählt und kartiert"),
    ],
)
def test_types_without_an_effect_say_why_in_german(type_id: str, instead: str) -> None:
    effect = measure_effect(TYPES[type_id], {}, 100.0, AT_800)
    assert not effect.computed and effect.reason_de
    assert "DWA-M 102-4" in effect.reason_de and instead in effect.reason_de
    assert effect.as_json()["reason_de"] == TYPES[type_id].water_balance.reason_de
