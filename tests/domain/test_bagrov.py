"""The Bagrov relation and the unsealing effect it gives, with worked examples.

Worked examples of the relation itself: dy/dx = 1 - y^n has closed forms for n = 1
(y = 1 - e^-x) and n = 2 (y = tanh x), so the integration is checked against exact
values. The unsealing example is worked by hand at Gelsenkirchen's default climate
(P = 825 mm/a, ETp = 625 mm/a), asphalt before (DWA-M 102-4 flat-surface regression).
"""

from __future__ import annotations

import math

import pytest

from app.domain.bagrov import actual_evaporation_mm, evaporation_ratio
from app.domain.catalogue import load_catalogue
from app.domain.m102_4 import OutOfRange, load_elements, split
from app.domain.water_balance import Climate, measure_effect

GELSENKIRCHEN = Climate(825.0, 625.0, "test", True)


@pytest.mark.parametrize("x", [0.1, 0.5, 1.0, 1.32, 2.0, 3.8])
def test_n_1_is_one_minus_e_to_the_minus_x(x: float) -> None:
    assert evaporation_ratio(x, 1.0) == pytest.approx(1 - math.exp(-x), abs=1e-9)


@pytest.mark.parametrize("x", [0.1, 0.5, 1.0, 1.32, 2.0, 3.8])
def test_n_2_is_tanh_x(x: float) -> None:
    assert evaporation_ratio(x, 2.0) == pytest.approx(math.tanh(x), abs=1e-9)


def test_the_relation_behaves_as_bagrov_describes() -> None:
    # ETa never exceeds P nor ETp; larger n (better storage) evaporates more.
    for x in (0.3, 1.0, 2.5):
        ratios = [evaporation_ratio(x, n) for n in (0.5, 1.0, 2.0, 4.0, 6.0)]
        assert ratios == sorted(ratios)
        assert all(0 < r <= min(1.0, x) for r in ratios)
    assert evaporation_ratio(0.0, 2.0) == 0.0
    # Very wet: ETa approaches ETp; very dry: ETa approaches P.
    assert evaporation_ratio(20.0, 2.0) == pytest.approx(1.0, abs=1e-9)
    assert evaporation_ratio(0.01, 2.0) == pytest.approx(0.01, rel=1e-3)


@pytest.mark.parametrize(
    ("x", "n"), [(-1.0, 2.0), (1.0, 0.0), (1.0, -2.0), (math.nan, 2.0), (1.0, math.inf)]
)
def test_the_relation_refuses_what_it_is_not_defined_for(x: float, n: float) -> None:
    with pytest.raises(ValueError, match="Bagrov"):
        evaporation_ratio(x, n)


def test_gelsenkirchen_lawn_evaporates_as_worked_by_hand() -> None:
    # x = 825/625 = 1.32; n = 2: ETa/ETp = tanh(1.32) = 0.86669; ETa = 541.7 mm/a.
    eta = actual_evaporation_mm(825.0, 625.0, 2.0)
    assert eta == pytest.approx(625.0 * math.tanh(1.32), abs=1e-6)
    assert round(eta, 1) == 541.7
    after = split("unpaved_vegetated", 825.0, 625.0)
    v = eta / 825.0  # 0.6566
    assert after.evaporation == pytest.approx(v, abs=1e-9)
    # The rest (0.3434) runs off by the M 102-4 direct-runoff share 0.2, else infiltrates.
    assert after.runoff == pytest.approx((1 - v) * 0.2, abs=1e-9)
    assert after.infiltration == pytest.approx((1 - v) * 0.8, abs=1e-9)


def test_unsealing_1000_m2_of_asphalt_in_gelsenkirchen() -> None:
    """1,000 m² of asphalt (storage 2.5 mm) unsealed to lawn: 825 m³ of rain a year.

    Asphalt (M 102-4 flat surface): a = 0.8658 + 0.0001659·825 - 0.00009945·625
    - 0.1542·ln(3.5) = 0.7473; v = 0.2527.
    Lawn (Bagrov, n = 2): v = 0.6567, a = 0.0687, g = 0.2747.
    Runoff avoided 825 x (0.7473 - 0.0687) = 559.9 m³/a; evaporation +333.3 m³/a;
    infiltration +226.6 m³/a."""
    asphalt = 0.8658 + 0.0001659 * 825 - 0.00009945 * 625 - 0.1542 * math.log(3.5)
    assert split("asphalt", 825.0, 625.0).runoff == pytest.approx(asphalt, abs=1e-9)
    effect = measure_effect(load_catalogue().types["unsealing"], {}, 1000.0, GELSENKIRCHEN)
    assert effect.computed and effect.after and effect.after.element == "unpaved_vegetated"
    assert round(effect.runoff_avoided_m3, 1) == 559.9
    assert round(effect.extra_evaporation_m3, 1) == 333.3
    assert round(effect.extra_infiltration_m3, 1) == 226.6
    assert "Bagrov" in (effect.source or "") and "n" in (effect.formula or "")


def test_what_was_unsealed_matters() -> None:
    # Tight paving stores less than asphalt (1.5 mm against 2.5 mm in M 102-4), so it
    # ran off more before, and unsealing it avoids more.
    unsealing = load_catalogue().types["unsealing"]
    asphalt = measure_effect(unsealing, {}, 100.0, GELSENKIRCHEN)
    paving = measure_effect(unsealing, {"surface_before": "paving_tight"}, 100.0, GELSENKIRCHEN)
    assert 0 < asphalt.runoff_avoided_m3 < paving.runoff_avoided_m3


def test_the_element_states_its_source_and_validity_range() -> None:
    element = load_elements().get("unpaved_vegetated")
    assert "Bagrov" in element.source and "M 102-4" in element.source
    assert element.parameters["bagrov_n"]["range"] == [0.5, 6.0]
    with pytest.raises(OutOfRange, match=r"0\.5\.\.6"):
        split("unpaved_vegetated", 825.0, 625.0, {"bagrov_n": 9.0})
    with pytest.raises(OutOfRange, match="precipitation_mm"):
        split("unpaved_vegetated", 2500.0, 625.0)
