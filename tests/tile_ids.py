"""Measure tiles carry each id as base64url of the UUID's 16 bytes: decode them for tests."""

from __future__ import annotations

import base64
import uuid

import mapbox_vector_tile


def uuid_of(short: str) -> str:
    """The UUID text of a tile's 22-character id."""
    return str(uuid.UUID(bytes=base64.urlsafe_b64decode(short + "==")))


def decode_tile(content: bytes) -> dict:
    """The tile's layers, with measure ids back in their UUID text form."""
    layers = mapbox_vector_tile.decode(content)
    for feature in layers.get("measures", {}).get("features", []):
        feature["properties"]["id"] = uuid_of(feature["properties"]["id"])
    return layers
