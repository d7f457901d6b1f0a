"""Which zooms the vector tiles serve and which layer each zoom carries.

The SQL that cuts tiles, the tileset metadata and TileJSON all read these; the map
reads them from TileJSON (`minzoom`/`maxzoom` and each `vector_layers` entry).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_ZOOM = 0
MAX_ZOOM = 22
# Below this zoom a tile would carry tens of thousands of tiny shapes: it carries
# clusters (one point per occupied cell, with a count) instead.
FULL_DETAIL_ZOOM = 12


@dataclass(frozen=True)
class TileLayer:
    """A layer of the measure tiles and the zooms (inclusive) whose tiles carry it."""

    id: str
    min_zoom: int
    max_zoom: int

    def covers(self, z: int) -> bool:
        """True when tiles of zoom `z` carry this layer."""
        return self.min_zoom <= z <= self.max_zoom


MEASURES_LAYER = TileLayer("measures", FULL_DETAIL_ZOOM, MAX_ZOOM)
CLUSTERS_LAYER = TileLayer("clusters", MIN_ZOOM, FULL_DETAIL_ZOOM - 1)
