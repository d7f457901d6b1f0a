"""The Klima.Werk region: the lon/lat bounds of its 17 municipalities, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class Region:
    """A lon/lat box around the municipalities (the database checks the exact shape)."""

    # The boundaries reach 51.801 in the north (Dorsten): 51.85 keeps a margin.
    minx: float = 6.60
    miny: float = 51.30
    maxx: float = 7.80
    maxy: float = 51.85

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in CRS84."""
        return (self.minx, self.miny, self.maxx, self.maxy)

    def contains(self, geometry: BaseGeometry) -> bool:
        """True when the geometry's bounding box lies inside the region."""
        x1, y1, x2, y2 = geometry.bounds
        return self.minx <= x1 and x2 <= self.maxx and self.miny <= y1 and y2 <= self.maxy


REGION = Region()

# The one wording of "not in the region", for the API, the importer and the database's
# refusal alike (the map translates this text).
OUTSIDE = "lies outside the 17 Klima.Werk municipalities"
