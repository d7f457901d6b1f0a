"""Who may change or review a measure, and what a change does to its review state."""

from __future__ import annotations

from typing import Any


def in_region(caller_municipalities: tuple[str, ...], municipality: str) -> bool:
    """A reviewer without municipalities covers the whole region."""
    return not caller_municipalities or municipality in caller_municipalities


def can_edit(
    role: str,
    partner: str | None,
    municipalities: tuple[str, ...],
    owner: str | None,
    municipality: str,
) -> bool:
    """Partners edit their own; reviewers those in their municipalities; admins all."""
    if role == "admin":
        return True
    if role == "reviewer":
        return in_region(municipalities, municipality)
    return role == "partner" and partner is not None and partner == owner


def can_review(role: str, municipalities: tuple[str, ...], municipality: str) -> bool:
    """Publishing and rejecting is for reviewers (in their municipalities) and admins."""
    return role == "admin" or (role == "reviewer" and in_region(municipalities, municipality))


def review_after_change(role: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A partner's change goes back to review; reviewers' and admins' keep their state."""
    if role == "partner":
        return {**changes, "review_state": "submitted", "review_note": None}
    return changes


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
