"""The region box: what validation accepts."""

from __future__ import annotations

from shapely.geometry import box

from app.domain.region import REGION


def test_a_shape_beyond_the_box_is_outside() -> None:
    minx, miny, maxx, maxy = REGION.bounds
    assert REGION.contains(box(minx, miny, maxx, maxy))
    assert not REGION.contains(box(minx, miny, maxx, maxy + 0.01))
    assert not REGION.contains(box(minx - 0.01, miny, maxx, maxy))
