"""The accounting rule of the disconnected area: given, derived or nothing."""

from __future__ import annotations

import pytest

from app.domain.accounting import counted_area, counts_own_area, hint
from app.domain.catalogue import load_catalogue

TYPES = load_catalogue().types


@pytest.mark.parametrize(
    "type_id",
    [
        "green_roof_extensive",
        "green_roof_intensive",
        "retention_roof",
        "permeable_paving",
        "unsealing",
    ],
)
def test_own_surface_types_count_their_drawn_area(type_id: str) -> None:
    assert counts_own_area(TYPES[type_id])
    counted = counted_area(TYPES[type_id], None, None, 1273.04)
    assert (counted.area_m2, counted.source) == (1273.0, "derived")
    assert "gezeichnete Fläche" in hint(TYPES[type_id])


@pytest.mark.parametrize(
    "type_id",
    ["swale", "infiltration_trench", "tree_trench", "cistern", "disconnection", "retention_area"],
)
def test_catchment_systems_count_only_the_given_connected_area(type_id: str) -> None:
    assert not counts_own_area(TYPES[type_id])
    assert counted_area(TYPES[type_id], None, None, 80.0).area_m2 is None
    assert counted_area(TYPES[type_id], 450.0, None, 80.0).area_m2 == 450.0
    assert "Angeschlossene Fläche" in hint(TYPES[type_id])


def test_a_given_value_wins_and_stays_given() -> None:
    roof = TYPES["green_roof_extensive"]
    counted = counted_area(roof, 800.0, None, 1273.0)
    assert (counted.area_m2, counted.source) == (800.0, "given")
    assert counted_area(roof, 800.0, "given", 2000.0).area_m2 == 800.0
    # Zero is a value: a roof that disconnects nothing says so.
    assert counted_area(roof, 0.0, None, 1273.0).area_m2 == 0.0


def test_a_derived_value_follows_the_geometry() -> None:
    roof = TYPES["green_roof_extensive"]
    counted = counted_area(roof, 1273.0, "derived", 1500.0)
    assert (counted.area_m2, counted.source) == (1500.0, "derived")


def test_facade_greening_counts_nothing_unless_given() -> None:
    facade = TYPES["facade_greening"]
    assert counted_area(facade, None, None, 30.0).area_m2 is None
    assert counted_area(facade, 12.0, None, 30.0).source == "given"
