"""Validation of submitted measures: every problem reported with where it is."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from app.domain.catalogue import load_catalogue
from app.domain.validation import (
    MAX_VERTICES,
    check_feature,
    check_rules,
    check_type_fits_geometry,
    control_character_problem,
)

ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.05, 51.51], [7.0503, 51.51], [7.0503, 51.5102], [7.05, 51.5102], [7.05, 51.51]]
    ],
}


def feature(**changes) -> dict:
    doc = {
        "type": "Feature",
        "geometry": ROOF,
        "properties": {"type": "green_roof_extensive", "title": "Gründach Rathaus"},
    }
    for key, value in changes.items():
        if key in ("geometry", "type"):
            doc[key] = value
        else:
            doc["properties"][key] = value
    return doc


def problems(doc, **kw) -> list[dict]:
    return check_feature(doc, load_catalogue(), **kw)[1]


def test_a_good_feature_passes_and_read_only_fields_are_dropped() -> None:
    measure, errors = check_feature(
        feature(
            municipality="09999999",
            area_m2=1.0,
            version=7,
            status="completed",
            completed_on="2024-05-01",
        ),
        load_catalogue(),
    )
    assert errors == []
    assert "municipality" not in measure.values and "area_m2" not in measure.values
    assert measure.values["completed_on"].isoformat() == "2024-05-01"


@pytest.mark.parametrize(
    ("doc", "where", "needle"),
    [
        ([1, 2], "", "JSON object"),
        (feature(type="Polygon"), "/type", "Feature"),
        (feature(title=""), "/properties/title", "required"),
        (feature(type_="x"), "/properties/type_", "not a property"),
        (feature(status="done"), "/properties/status", "must be one of"),
        (feature(cost_eur=-5), "/properties/cost_eur", ">= 0"),
        (feature(retention_volume_m3=1e12), "/properties/retention_volume_m3", "plausible"),
        (feature(cost_eur="viel"), "/properties/cost_eur", "number"),
        (feature(title="x" * 201), "/properties/title", "at most 200"),
        (feature(completed_on="2024-13-01"), "/properties/completed_on", "YYYY-MM-DD"),
        (feature(completed_on="1850-01-01"), "/properties/completed_on", "plausible"),
        (feature(review_state="published"), "/properties/review_state", "only reviewers"),
        (
            feature(
                geometry={
                    "type": "Polygon",
                    "coordinates": [
                        [[7.05, 51.51], [7.06, 51.52], [7.05, 51.52], [7.06, 51.51], [7.05, 51.51]]
                    ],
                }
            ),
            "/geometry",
            "Self-intersection",
        ),
        (
            feature(
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[7.05, 51.51], [7.06, 51.51], [7.06, 51.52]]],
                }
            ),
            "/geometry",
            "not a valid",
        ),
        (
            feature(geometry={"type": "LineString", "coordinates": [[7.05, 51.51]]}),
            "/geometry",
            "not a valid",
        ),
        (
            feature(geometry={"type": "Point", "coordinates": [math.nan, 51.5]}),
            "/geometry",
            "finite",
        ),
        (
            feature(geometry={"type": "Point", "coordinates": [13.4, 52.5]}),
            "/geometry",
            "outside the 17",
        ),
        (feature(geometry={"type": "Point", "coordinates": [51.51, 7.05]}), "/geometry", "swapped"),
        (
            feature(geometry={"type": "GeometryCollection", "geometries": []}),
            "/geometry",
            "GeoJSON geometry",
        ),
        (
            feature(
                geometry={
                    "type": "LineString",
                    "coordinates": [[7.0 + i * 1e-5, 51.5] for i in range(MAX_VERTICES + 1)],
                }
            ),
            "/geometry",
            "at most 10000",
        ),
    ],
)
def test_bad_input_names_what_and_where(doc, where: str, needle: str) -> None:
    found = problems(doc)
    assert any(p["where"] == where and needle in p["problem"] for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(feature(status="x", cost_eur=-1, title=""))
    assert {p["where"] for p in found} >= {
        "/properties/status",
        "/properties/cost_eur",
        "/properties/title",
    }


def test_reviewers_may_set_review_fields() -> None:
    assert problems(feature(review_state="published", review_note="ok"), may_review=True) == []


def test_patch_needs_no_type_or_geometry() -> None:
    measure, errors = check_feature(
        {"properties": {"status": "completed"}}, load_catalogue(), partial=True
    )
    assert errors == [] and measure.geometry is None


@pytest.mark.parametrize(
    ("type_id", "geometry", "ok"),
    [
        ("cistern", "Point", True),
        ("cistern", "Polygon", False),
        ("infiltration_trench", "MultiLineString", True),
        ("swale", "LineString", False),
    ],
)
def test_geometry_type_must_fit_the_measure_type(type_id: str, geometry: str, ok: bool) -> None:
    assert (check_type_fits_geometry(load_catalogue(), type_id, geometry) == []) is ok


def test_a_completed_measure_needs_a_date_not_in_the_future() -> None:
    catalogue = load_catalogue()
    today = dt.date(2026, 12, 1)
    missing = check_rules({"type": "swale", "status": "completed"}, catalogue, today)
    assert missing == [
        {
            "where": "/properties/completed_on",
            "problem": "a completed measure needs its completion date",
            "code": "completed_on.missing",
            "params": {},
        }
    ]
    future = check_rules(
        {"type": "swale", "status": "completed", "completed_on": dt.date(2027, 1, 1)},
        catalogue,
        today,
    )
    assert "lies in the future" in future[0]["problem"]
    assert (
        check_rules(
            {"type": "swale", "status": "completed", "completed_on": dt.date(2026, 12, 1)},
            catalogue,
            today,
        )
        == []
    )


def test_a_planned_measure_cannot_have_a_past_date() -> None:
    problems = check_rules(
        {"type": "swale", "status": "planned", "completed_on": dt.date(2020, 5, 1)},
        load_catalogue(),
        dt.date(2026, 12, 1),
    )
    assert "lies in the past" in problems[0]["problem"]


def test_parameters_out_of_the_regression_range_name_it() -> None:
    problems = check_rules(
        {"type": "green_roof_extensive", "status": "planned", "substrate_depth_mm": 20.0},
        load_catalogue(),
    )
    assert problems[0]["where"] == "/properties/substrate_depth_mm"
    assert "outside 40..500" in problems[0]["problem"]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused(char: str) -> None:
    problem = control_character_problem(f"Gründach{char}Schule")
    assert problem and f"U+{ord(char):04X}" in problem and "position 8" in problem


def test_tab_and_newlines_are_text() -> None:
    assert control_character_problem("Zeile 1\nZeile 2\r\n\tEingerückt") is None
