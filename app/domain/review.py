"""The review process: what a change does to a measure's review state, and the history
of its versions (in full, or as the public may see it). Who may do what: `access`."""

from __future__ import annotations

from typing import Any

import orjson

from app.domain.messages import problem


def review_after_change(by_reviewer: bool, changes: dict[str, Any]) -> dict[str, Any]:
    """A change by someone who may not review the measure (a partner) goes back to
    review; a reviewer's or admin's change keeps its state."""
    if not by_reviewer:
        return {**changes, "review_state": "submitted", "review_note": None}
    return changes


def rejection_errors(review_state: str | None, review_note: str | None) -> list[dict[str, str]]:
    """A rejection needs a reason: the one home of that rule (the API answers 422 with it,
    the map asks the API). `review_note` is the note the measure has after the change."""
    if review_state == "rejected" and not (review_note or "").strip():
        return [problem("/properties/review_note", "review.rejection_needs_reason")]
    return []


def with_review_note(feature: bytes, note: str | None) -> bytes:
    """The Feature (UTF-8 JSON) with `properties.review_note`, for a caller who sees the
    review process: the stored Feature leaves the note out, since anyone may read it."""
    doc = orjson.loads(feature)
    doc["properties"]["review_note"] = note
    return orjson.dumps(doc)


def diff(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What changed between two versions of a Feature: property -> {from, to}."""
    bookkeeping = {"updated_at", "version", "created_at"}
    old_props, new_props = older.get("properties", {}), newer.get("properties", {})
    changes = {
        name: {"from": old_props.get(name), "to": new_props.get(name)}
        for name in sorted(set(old_props) | set(new_props))
        if name not in bookkeeping and old_props.get(name) != new_props.get(name)
    }
    if older.get("geometry") != newer.get("geometry"):
        changes["geometry"] = {
            "from": older.get("geometry", {}).get("type"),
            "to": newer.get("geometry", {}).get("type"),
        }
    return changes


def history(versions: list[dict[str, Any]], *, full: bool) -> list[dict[str, Any]]:
    """History entries, newest first, from versions (newest first, each with `version`,
    `changed_at`, `partner` (who made it), `snapshot` (the Feature) and `deleted_at`).

    `full` shows every version with its review notes and who made it. Otherwise only
    published versions are listed, compared with the previous published one, without
    review notes, and who made a version only when it was the measure's own partner.
    """
    shown = [v for v in versions if full or _published(v["snapshot"])]
    entries = []
    for i, version in enumerate(shown):
        older = shown[i + 1]["snapshot"] if i + 1 < len(shown) else None
        if older is not None:
            changes = diff(older, version["snapshot"])
        else:
            changes = {"created": True} if full or version["version"] == 1 else {"published": True}
        author = version["partner"]
        if not full:
            changes.pop("review_note", None)
            owner = version["snapshot"].get("properties", {}).get("partner")
            author = author if author is not None and author == owner else None
        entry = {
            "version": version["version"],
            "changed_at": version["changed_at"],
            "partner": author,
            "changes": changes,
        }
        if version.get("deleted_at") is not None:
            entry["deleted_at"] = version["deleted_at"]
        # Sent without If-Match: accepted as the last writer's change (ADR 0015).
        entry["last_writer"] = bool(version.get("last_writer", False))
        entries.append(entry)
    return entries


def _published(snapshot: dict[str, Any]) -> bool:
    return snapshot.get("properties", {}).get("review_state") == "published"
