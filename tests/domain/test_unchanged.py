"""Whether a write changes a stored Feature."""

from __future__ import annotations

import datetime as dt

from app.domain.unchanged import is_unchanged, same_geometry

STORED = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [7.1234567, 51.5]},
    "properties": {
        "title": "Zisterne",
        "cost_eur": 1200,
        "completed_on": "2025-06-30",
        "funding": None,
    },
}


def test_equal_values_and_geometry_are_unchanged() -> None:
    values = {"title": "Zisterne", "cost_eur": 1200.0, "completed_on": dt.date(2025, 6, 30)}
    assert is_unchanged(STORED, values, None)
    assert is_unchanged(
        STORED, {"funding": None}, {"type": "Point", "coordinates": (7.12345671, 51.5)}
    )


def test_any_difference_is_a_change() -> None:
    assert not is_unchanged(STORED, {"title": "Zisterne 2"}, None)
    assert not is_unchanged(STORED, {"cost_eur": None}, None)
    assert not is_unchanged(STORED, {"cost_eur": True}, None)
    assert not is_unchanged(STORED, {"description": None}, None)  # not shown: not comparable
    assert not is_unchanged(STORED, {}, {"type": "Point", "coordinates": [7.1234, 51.5]})


def test_geometry_type_and_vertex_order_count() -> None:
    ring = [[0, 0], [1, 0], [1, 1], [0, 0]]
    assert same_geometry(
        {"type": "Polygon", "coordinates": [ring]}, {"type": "Polygon", "coordinates": [ring]}
    )
    assert not same_geometry(
        {"type": "Polygon", "coordinates": [ring[::-1]]}, {"type": "Polygon", "coordinates": [ring]}
    )
    assert not same_geometry(
        {"type": "MultiPoint", "coordinates": [[0, 0]]}, {"type": "Point", "coordinates": [0, 0]}
    )
