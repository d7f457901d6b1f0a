"""Whether a write changes anything: an unchanged PUT or PATCH is no new version.

A map form saved without edits, or a GET-edit-PUT round trip of a client that changed
nothing, would otherwise add an empty version (`changes: {}`) to the history and send
a published measure back to review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Stored Features carry coordinates with 7 decimals (`ST_AsGeoJSON(geom, 7)`, ~1 cm).
DECIMALS = 7


def _same_value(sent: Any, stored: Any) -> bool:
    if isinstance(sent, dt.date):
        sent = sent.isoformat()
    if isinstance(sent, int | float) and isinstance(stored, int | float):
        return not isinstance(sent, bool) and float(sent) == float(stored)
    return sent == stored


def _rounded(node: Any) -> Any:
    if isinstance(node, list | tuple):
        return [_rounded(child) for child in node]
    if isinstance(node, float | int):
        return round(float(node), DECIMALS)
    return node


def same_geometry(sent: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Equal type and coordinates at the stored precision (vertex order counts)."""
    return sent.get("type") == stored.get("type") and _rounded(sent.get("coordinates")) == _rounded(
        stored.get("coordinates")
    )


def is_unchanged(
    stored: dict[str, Any], values: dict[str, Any], geometry: dict[str, Any] | None
) -> bool:
    """True when `values` (checked client values) and `geometry` (None: not sent) equal
    the stored Feature `stored`."""
    properties = stored.get("properties") or {}
    # A property the stored Feature does not show cannot be compared: count it as changed.
    if any(
        name not in properties or not _same_value(value, properties[name])
        for name, value in values.items()
    ):
        return False
    return geometry is None or same_geometry(geometry, stored.get("geometry") or {})
