"""The statistics rules as pure functions: totals, achieved progress, path, reference."""

from __future__ import annotations

import pytest

from app.domain import statistics as stats
from app.domain.catalogue import load_catalogue


def group(status: str, count: int, runoff: float, municipality: str = "05513000") -> dict:
    return {
        "municipality": municipality,
        "type": "swale",
        "status": status,
        "year": None,
        "count": count,
        "area_m2": 10.0 * count,
        "disconnected_area_m2": 100.0 * count,
        "runoff_avoided_m3": runoff,
        "extra_evaporation_m3": 1.0,
        "extra_infiltration_m3": 2.0,
    }


BASELINE = {
    "ags": "05513000",
    "name": "Gelsenkirchen",
    "sealed_area_m2": 1_000_000.0,
    "sealed_source": "Kataster",
    "sealed_year": 2023,
    "evaporation_rate": 0.2,
    "is_demo": False,
    "precipitation_mm": 800.0,
    "etp_mm": 600.0,
    "climate_source": "DWD",
    "reference_runoff": 0.05,
    "reference_infiltration": 0.35,
    "reference_evaporation": 0.60,
    "reference_source": "Wasserhaushalt unbebaut, Gutachten 2024",
}
ACHIEVED = [
    {
        "municipality": "05513000",
        "year": 2021,
        "disconnected_m2": 50_000.0,
        "extra_evaporation_m3": 4_000.0,
    },
    {
        "municipality": "05513000",
        "year": 2019,
        "disconnected_m2": 25_000.0,
        "extra_evaporation_m3": 2_000.0,
    },
]


def test_totals_never_add_cancelled_measures() -> None:
    rows = [group("planned", 2, 10.0), group("completed", 3, 20.0), group("cancelled", 5, 99.0)]
    doc = stats.document(rows, [BASELINE], [], [], [], load_catalogue())
    assert doc["totals"]["count"] == 5 and doc["totals"]["runoff_avoided_m3"] == 30.0
    by_status = {r["status"]: r for r in doc["by_status"]}
    assert by_status["cancelled"]["count"] == 5 and by_status["cancelled"]["in_totals"] is False
    assert sum(r["count"] for r in doc["by_type"]) == 5


def test_progress_states_baseline_what_is_missing_and_the_path() -> None:
    targets = stats.targets([BASELINE], ACHIEVED, [], None)
    d, e = targets["disconnection"], targets["evaporation"]
    # 75,000 of 1,000,000 m²: 7.5 %, 30 % of the 25 % target; 175,000 m² (17.5 ha) to go.
    assert d["share"] == pytest.approx(0.075) and d["target_reached"] == pytest.approx(0.3)
    assert (d["remaining_m2"], d["remaining_ha"]) == (175_000.0, 17.5)
    # Rain on the sealed area 800,000 m³; 6,000 m³ is 0.75 pp; 10 pp is 80,000 m³.
    assert e["change_pp"] == pytest.approx(0.75) and e["missing_m3"] == 74_000.0
    assert [p["year"] for p in targets["path"]] == [2019, 2021]
    assert [p["cumulative_disconnected_m2"] for p in targets["path"]] == [25_000.0, 75_000.0]
    place = targets["by_municipality"][0]
    assert (place["sealed_source"], place["sealed_year"]) == ("Kataster", 2023)
    assert place["climate"] == {
        "precipitation_mm": 800.0,
        "etp_mm": 600.0,
        "source": "baseline",
        "is_default": False,
        "note": "DWD",
    }


def test_the_reference_deviation_needs_a_sourced_reference() -> None:
    place = stats.targets([BASELINE], ACHIEVED, [], None)["by_municipality"][0]
    # Evaporation of the sealed area 0.2 + 0.0075 against 0.60 undeveloped.
    assert place["reference"]["deviation_pp"]["evaporation"] == pytest.approx(-39.25)
    unsourced = {**BASELINE, "reference_source": None}
    assert stats.targets([unsourced], ACHIEVED, [], None)["by_municipality"][0]["reference"] is None


def test_unpublished_measures_are_shown_apart_never_added() -> None:
    hidden = [
        {
            "municipality": "05513000",
            "count": 2,
            "disconnected_m2": 500.0,
            "extra_evaporation_m3": 9.0,
        }
    ]
    shown = stats.targets([BASELINE], ACHIEVED, hidden, None)
    alone = stats.targets([BASELINE], ACHIEVED, [], None)
    assert shown["disconnection"] == alone["disconnection"]
    assert shown["unpublished"]["count"] == 2 and "not counted" in shown["unpublished"]["label"]
    assert alone["unpublished"] is None


def test_without_a_baseline_there_is_no_progress() -> None:
    empty = {**BASELINE, "sealed_area_m2": None}
    assert stats.targets([empty], ACHIEVED, [], None) == {
        "baseline": "no baseline",
        "municipalities_with_baseline": 0,
        "municipalities": 1,
    }
