"""An independent oracle for geometry facts: the boundary file read with Shapely/pyproj."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from app.services.loading import DEFAULT_BOUNDARIES

_TO_METRIC = Transformer.from_crs(4326, 25832, always_xy=True)
_TO_WGS84 = Transformer.from_crs(25832, 4326, always_xy=True)


def _apply(transformer: Transformer, geometry: BaseGeometry) -> BaseGeometry:
    def move(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(coords[:, 0], coords[:, 1]))

    return shapely.transform(geometry, move)


def to_metric(geometry: BaseGeometry) -> BaseGeometry:
    """WGS84 lon/lat to EPSG:25832."""
    return _apply(_TO_METRIC, geometry)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    """EPSG:25832 to WGS84 lon/lat."""
    return _apply(_TO_WGS84, geometry)


@lru_cache
def boundaries() -> dict[str, tuple[str, BaseGeometry]]:
    """AGS -> (name, WGS84 geometry) from the committed boundary file."""
    data = json.loads(DEFAULT_BOUNDARIES.read_text(encoding="utf-8"))
    return {
        f["properties"]["ags"]: (f["properties"]["name"], shape(f["geometry"]))
        for f in data["features"]
    }


@lru_cache
def metric_boundaries() -> dict[str, BaseGeometry]:
    """AGS -> EPSG:25832 geometry."""
    return {ags: to_metric(geom) for ags, (_, geom) in boundaries().items()}


def expected_municipality(geometry: BaseGeometry) -> str | None:
    """Where most of a WGS84 geometry lies (area, else length, else the point)."""
    metric = to_metric(geometry)
    best: tuple[float, str] | None = None
    for ags, boundary in sorted(metric_boundaries().items()):
        if not boundary.intersects(metric):
            continue
        part = boundary.intersection(metric)
        size = part.area if metric.area > 0 else part.length if metric.length > 0 else 1.0
        if best is None or size > best[0]:
            best = (size, ags)
    return best[1] if best else None
