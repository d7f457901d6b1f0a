"""Classes for shading the cities on the map: breaks from the data, so that cities that
differ look different.

Fixed classes of 0-20-40-60-80 % of the target painted all 17 cities (8.9 % to 18.9 %)
one pale colour. Quantile breaks put about the same number of cities into each class;
rounded to three significant digits they read well in the legend, and each city falls
into exactly one class: class i holds the values above break i-1 up to break i, the last
one everything above the last break.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

CLASSES = 5


def _round(x: float) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    digits = 2 - math.floor(math.log10(abs(x)))
    return round(x, digits)


def breaks(values: Iterable[float | None], classes: int = CLASSES) -> list[float]:
    """Upper bounds of the classes but the last (at most `classes` - 1, increasing)."""
    data = sorted(v for v in values if v is not None and math.isfinite(v))
    if len(data) < 2:
        return []
    out: list[float] = []
    for k in range(1, classes):
        # The value below which k/classes of the cities lie (nearest rank).
        at = data[min(len(data) - 1, math.ceil(k * len(data) / classes) - 1)]
        bound = _round(at)
        if bound < data[-1] and (not out or bound > out[-1]):
            out.append(bound)
    return out
