"""The type catalogue: complete, tied to DWA-M 102-4 elements, strict about geometries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.catalogue import DEFAULT_PATH, geometry_allowed, load_catalogue
from app.domain.m102_4 import load_elements

IDS = {
    "green_roof_extensive",
    "green_roof_intensive",
    "retention_roof",
    "facade_greening",
    "unsealing",
    "permeable_paving",
    "swale",
    "infiltration_trench",
    "tree_trench",
    "retention_area",
    "cistern",
    "stream_daylighting",
    "emergency_flow_path",
    "disconnection",
    "other",
}


def test_exactly_the_contract_types() -> None:
    assert set(load_catalogue().types) == IDS


NO_ELEMENT = {
    "facade_greening",
    "stream_daylighting",
    "emergency_flow_path",
    "retention_area",
    "other",
}


@pytest.mark.parametrize("type_id", sorted(IDS))
def test_each_type_is_an_m102_4_element_or_says_why_not(type_id: str) -> None:
    model = load_catalogue().types[type_id].water_balance
    elements = load_elements()
    if type_id in NO_ELEMENT:
        assert model.model == "none" and "no element of DWA-M 102-4" in str(model.reason)
        return
    assert model.model in ("surface", "system", "cistern", "reference")
    if model.element:
        assert model.element in elements.surfaces or model.element in elements.systems
    for name, value in model.defaults.items():
        assert name in model.parameters
        if name in ("surface_before", "catchment_surface"):
            assert value in elements.surfaces


def test_no_share_is_an_unsourced_estimate_any_more() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "estimate" not in text


@pytest.mark.parametrize(
    ("type_id", "geometry", "allowed"),
    [
        ("cistern", "Point", True),
        ("cistern", "MultiPoint", True),
        ("cistern", "Polygon", False),
        ("facade_greening", "LineString", True),
        ("facade_greening", "MultiPolygon", True),
        ("facade_greening", "Point", False),
        ("green_roof_extensive", "LineString", False),
        ("tree_trench", "Point", True),
        ("stream_daylighting", "MultiLineString", True),
        ("other", "Point", True),
        ("other", "GeometryCollection", False),
        ("swale", "GeometryCollection", False),
    ],
)
def test_geometry_matrix(type_id: str, geometry: str, allowed: bool) -> None:
    assert geometry_allowed(load_catalogue().types[type_id], geometry) is allowed


def test_line_types_have_a_width() -> None:
    for measure_type in load_catalogue().types.values():
        if "LineString" in measure_type.geometry_types:
            assert measure_type.line_width_m and measure_type.line_width_m > 0
            assert measure_type.line_width_note


def _broken(tmp_path: Path, type_id: str, change: dict) -> Path:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    for raw in data["types"]:
        if raw["id"] == type_id:
            raw.update(change)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_type_without_effect_must_say_why(tmp_path: Path) -> None:
    path = _broken(tmp_path, "swale", {"water_balance": {"model": "none"}})
    with pytest.raises(ValueError, match="swale: a type without a computed effect must say why"):
        load_catalogue(path)


def test_line_type_without_width_names_the_type(tmp_path: Path) -> None:
    path = _broken(tmp_path, "emergency_flow_path", {"line_width_m": None})
    with pytest.raises(ValueError, match="emergency_flow_path: a type allowing lines"):
        load_catalogue(path)


def test_catalogue_as_json_round_trips() -> None:
    document = load_catalogue().as_json()
    assert json.loads(json.dumps(document))["types"][0]["id"] == "green_roof_extensive"
    assert len(document["types"]) == 15


def test_every_type_has_its_own_map_colour() -> None:
    colours = [t.color for t in load_catalogue().types.values()]
    assert len(set(colours)) == len(colours) == 15
    assert all(colour.startswith("#") and len(colour) == 7 for colour in colours)


def test_a_colour_that_is_not_hex_names_the_type(tmp_path: Path) -> None:
    path = _broken(tmp_path, "cistern", {"color": "purple"})
    with pytest.raises(ValueError, match="cistern: color must be a #rrggbb hex colour"):
        load_catalogue(path)
