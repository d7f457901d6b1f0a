"""Rights to edit and review, and the diff of two versions."""

from __future__ import annotations

import pytest

from app.domain.review import can_edit, can_review, diff, review_after_change

GE, E = "05513000", "05113000"


@pytest.mark.parametrize(
    ("role", "partner", "munis", "owner", "municipality", "expected"),
    [
        ("partner", "A", (), "A", GE, True),
        ("partner", "A", (), "B", GE, False),
        ("partner", None, (), None, GE, False),
        ("reviewer", "R", (GE,), "B", GE, True),
        ("reviewer", "R", (GE,), "B", E, False),
        ("reviewer", "R", (), "B", E, True),
        ("admin", "X", (), "B", E, True),
        ("anonymous", None, (), "B", E, False),
    ],
)
def test_can_edit(role, partner, munis, owner, municipality, expected) -> None:
    assert can_edit(role, partner, munis, owner, municipality) is expected


def test_can_review() -> None:
    assert can_review("reviewer", (GE,), GE)
    assert not can_review("reviewer", (GE,), E)
    assert not can_review("partner", (), GE)
    assert can_review("admin", (), E)


def test_partner_changes_go_back_to_review() -> None:
    assert review_after_change("partner", {"title": "x"})["review_state"] == "submitted"
    assert "review_state" not in review_after_change("reviewer", {"title": "x"})


def test_diff_names_changed_properties_and_geometry() -> None:
    old = {
        "properties": {"title": "a", "version": 1, "status": "planned"},
        "geometry": {"type": "Point", "coordinates": [1, 2]},
    }
    new = {
        "properties": {"title": "b", "version": 2, "status": "planned"},
        "geometry": {"type": "Point", "coordinates": [1, 3]},
    }
    assert diff(old, new) == {
        "title": {"from": "a", "to": "b"},
        "geometry": {"from": "Point", "to": "Point"},
    }
