"""The DWA-M 102-4 regressions, evaluated by hand at stated P and ETp.

Each expected value is the published equation worked out here step by step (natural
logarithms), so a wrong coefficient in the data file or a wrong term in the code fails.
"""

from __future__ import annotations

import math

import pytest

from app.domain.m102_4 import OutOfRange, load_elements, pond, rainwater_use, split

P, E = 800.0, 600.0


def test_pitched_roof_at_800_600() -> None:
    # a = 0.9115 + 0.00007063·800 - 0.000007498·600 - 0.2063·ln(1.3)
    a = 0.9115 + 0.056504 - 0.0044988 - 0.2063 * math.log(1.3)
    result = split("pitched_roof", P, E)
    assert result.runoff == pytest.approx(a) == pytest.approx(0.9094, abs=1e-4)
    assert result.infiltration == 0.0
    assert result.evaporation == pytest.approx(1 - a)


@pytest.mark.parametrize(
    ("surface", "storage_mm"),
    [("flat_roof_rough", 1.0), ("flat_roof_gravel", 2.0), ("asphalt", 2.5), ("paving_tight", 1.5)],
)
def test_flat_surfaces_differ_by_their_storage_height(surface: str, storage_mm: float) -> None:
    a = 0.8658 + 0.0001659 * P - 0.00009945 * E - 0.1542 * math.log(storage_mm + 1)
    assert split(surface, P, E).runoff == pytest.approx(a)


def test_extensive_green_roof_100_mm_at_800_600() -> None:
    # a = -2.182 + 0.4293 ln 800 - 0.0001092·800 + 236.1/600 + 0.0001142·100
    #     + 0.0002297·70 + 0.01628 ln 0.5 - 0.1214 ln(0.5·100)
    a = (
        -2.182
        + 0.4293 * math.log(800)
        - 0.0001092 * 800
        + 236.1 / 600
        + 0.0001142 * 100
        + 0.0002297 * 70
        + 0.01628 * math.log(0.5)
        - 0.1214 * math.log(50)
    )
    result = split("green_roof", P, E, {"substrate_depth_mm": 100})
    assert result.runoff == pytest.approx(a) == pytest.approx(0.5351, abs=1e-4)
    assert result.evaporation == pytest.approx(1 - a)


def test_deeper_green_roofs_run_off_less() -> None:
    shallow = split("green_roof", P, E, {"substrate_depth_mm": 60})
    deep = split("green_roof", P, E, {"substrate_depth_mm": 400})
    assert deep.runoff < shallow.runoff


def test_retention_roof_5_mm_at_800_600() -> None:
    a = 0.9231 + 0.000254 * P - 0.0003226 * E - 0.1472 * math.log(6)
    assert (
        split("retention_roof", P, E).runoff == pytest.approx(a) == pytest.approx(0.669, abs=1e-3)
    )


def test_permeable_paving_splits_into_all_three() -> None:
    fa, kf, sp, w = 8.0, 36.0, 1.0, 0.15
    a = 0.05912 * math.log(P) - 0.02749 * fa - 0.03671 * sp - 0.30514 * w + 4.97687 / (4.7975 + kf)
    v = 0.9012 - 0.1325 * math.log(P) + 0.00006661 * E + 0.002302 * fa + 0.1489 * math.log(2)
    result = split("joints_6_10", P, E)
    assert (result.runoff, result.evaporation) == (pytest.approx(a), pytest.approx(v))
    assert result.infiltration == pytest.approx(1 - a - v)


def test_swale_infiltrates_nearly_everything() -> None:
    kf = 360.0
    fa = 42.323 * kf**-0.314
    g = (
        0.8608
        + 0.02385 * math.log(P)
        - 0.00005331 * E
        - 0.002827 * fa
        - 0.000002493 * kf
        + 0.0009514 * math.log(kf / fa)
    )
    v = 0.000008562 * E + 2.611 / (P - 64.35) * fa**0.9425 - 0.000001211 * kf
    result = split("swale", P, E, {"kf_mm_h": kf})
    assert (result.infiltration, result.evaporation) == (pytest.approx(g), pytest.approx(v))
    assert result.runoff == pytest.approx(1 - g - v)


def test_every_split_sums_to_one_over_the_climate_range() -> None:
    elements = load_elements()
    ids = [*elements.surfaces, *(s for s in elements.systems if s not in ("rainwater_use", "pond"))]
    for element_id in ids:
        for p in (500.0, 800.0, 1700.0):
            for e in (450.0, 700.0):
                s = split(element_id, p, e)
                total = s.runoff + s.infiltration + s.evaporation
                assert total == pytest.approx(1.0), element_id
                assert min(s.runoff, s.infiltration, s.evaporation) >= 0.0, element_id


def test_outside_the_validity_range_is_refused_naming_it() -> None:
    with pytest.raises(OutOfRange, match=r"precipitation_mm = 450 is outside 500\.\.1700"):
        split("pitched_roof", 450.0, 600.0)
    with pytest.raises(OutOfRange, match=r"etp_mm = 720 is outside 450\.\.700"):
        split("pitched_roof", 800.0, 720.0)
    with pytest.raises(OutOfRange, match=r"substrate_depth_mm = 600 is outside 40\.\.500"):
        split("green_roof", P, E, {"substrate_depth_mm": 600})
    with pytest.raises(OutOfRange, match=r"storage_mm = 50 is outside 3\.\.10"):
        split("retention_roof", P, E, {"storage_mm": 50})


def test_rainwater_use_without_use_or_irrigation_runs_off() -> None:
    assert rainwater_use(P, E, storage_mm=50, use_mm_d=0, irrigated_share=0).runoff == 1.0
    used = rainwater_use(P, E, storage_mm=50, use_mm_d=0.5, irrigated_share=1.0)
    assert used.use > 0 and used.evaporation > 0
    assert used.runoff + used.evaporation + used.use == pytest.approx(1.0)
    with pytest.raises(OutOfRange, match=r"storage_mm = 300 is outside 10\.\.200"):
        rainwater_use(P, E, storage_mm=300, use_mm_d=0, irrigated_share=1)


def test_pond_evaporates_etp_from_its_surface() -> None:
    # 1,000 m² pond with 4,000 m² roof (a = 0.9) connected: v = 600·1000 / (800·4600)
    result = pond(P, E, 1000.0, [(4000.0, 0.9)])
    assert result.evaporation == pytest.approx(600 * 1000 / (800 * 4600))


def test_every_coefficient_has_a_source() -> None:
    document = load_elements().as_json()
    assert "2022" in document["edition"] and "2020" in document["edition"]
    for element in [*document["surfaces"], *document["systems"]]:
        assert "DWA-M 102-4 (2022)" in element["source"] and element["section"]
        assert element["verified_against_2022_print"] is False
