"""The review process: state after a change, the diff of two versions, the history."""

from __future__ import annotations

import pytest

from app.domain.review import diff, history, rejection_errors, review_after_change

GE, E = "05513000", "05113000"


def test_partner_changes_go_back_to_review() -> None:
    assert review_after_change(False, {"title": "x"})["review_state"] == "submitted"
    assert "review_state" not in review_after_change(True, {"title": "x"})


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


def _version(n: int, state: str, by: str, note: str | None = None, title: str = "t") -> dict:
    props = {"partner": "Vivawest", "review_state": state, "review_note": note, "title": title}
    return {
        "version": n,
        "changed_at": f"2026-01-0{n}T00:00:00+00:00",
        "partner": by,
        "snapshot": {"properties": props, "geometry": {"type": "Point"}},
        "deleted_at": None,
    }


VERSIONS = [  # newest first
    _version(4, "published", "Stadt Gelsenkirchen", "ok", title="c"),
    _version(3, "submitted", "Vivawest", title="c"),
    _version(2, "published", "Stadt Gelsenkirchen", "passt", title="b"),
    _version(1, "submitted", "Vivawest", title="a"),
]


def test_full_history_shows_every_version_note_and_reviewer() -> None:
    entries = history(VERSIONS, full=True)
    assert [e["version"] for e in entries] == [4, 3, 2, 1]
    assert entries[0]["partner"] == "Stadt Gelsenkirchen"
    assert entries[0]["changes"]["review_note"] == {"from": None, "to": "ok"}
    assert entries[-1]["changes"] == {"created": True}


def test_public_history_shows_published_versions_without_review_process() -> None:
    entries = history(VERSIONS, full=False)
    assert [e["version"] for e in entries] == [4, 2]
    # Compared with the previous published version: the draft in between is not shown.
    assert entries[0]["changes"] == {"title": {"from": "b", "to": "c"}}
    assert entries[1]["changes"] == {"published": True}
    assert all(e["partner"] is None for e in entries)  # reviewers' names withheld
    assert "ok" not in str(entries) and "passt" not in str(entries)


def test_public_history_names_the_measure_s_own_partner() -> None:
    own = [_version(2, "published", "Vivawest", title="b"), _version(1, "published", "Vivawest")]
    entries = history(own, full=False)
    assert [e["partner"] for e in entries] == ["Vivawest", "Vivawest"]
    assert entries[1]["changes"] == {"created": True}


@pytest.mark.parametrize("note", [None, "", "   ", "\t\n", "\u3000"])
def test_a_rejection_without_a_reason_is_refused(note: str | None) -> None:
    errors = rejection_errors("rejected", note)
    assert [e["where"] for e in errors] == ["/properties/review_note"]


@pytest.mark.parametrize(
    ("state", "note"),
    [("rejected", "Dublette"), ("rejected", " x "), ("published", None), (None, "")],
)
def test_a_reason_or_another_state_passes(state: str | None, note: str | None) -> None:
    assert rejection_errors(state, note) == []
