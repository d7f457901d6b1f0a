"""The Klima.Werk region: the lon/lat bounds of its 17 municipalities, and how a measure
relates to them, in one place.

- A measure belongs to the municipality holding the largest share of it (area; for
  lines length; for points their number; ties to the lower AGS). The database derives
  it on every write and bulk load (`measure_municipality()`); statistics, visibility
  and reviews go by it.
- A measure *reaches* every municipality it lies in by more than BORDER_TOLERANCE_M
  (`measure_municipalities()`, asked by `app.sql.measure_writes.select_reached`); a key
  limited to some municipalities must hold every one it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from app.domain.messages import text

# A part of a measure may stray over a municipal border by this much (metres, in
# EPSG:25832) and still count as lying where the rest of it lies: boundaries and drawn
# edges differ by about that much when both follow the same line.
BORDER_TOLERANCE_M = 1.0


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

# "Not in the region" in the importer's report (English, as the CLI speaks); the API says
# the same catalogue message in the caller's language.
OUTSIDE_CODE = "geometry.outside_region"
OUTSIDE = text(OUTSIDE_CODE, "en")
