"""The Bagrov relation: the actual evaporation of an unpaved, vegetated surface.

Bagrov (1953) describes how the actual evapotranspiration ETa of a permeable,
vegetated surface grows with precipitation P at a given potential evapotranspiration
ETp:

    dETa/dP = 1 - (ETa/ETp)^n

In dimensionless form, with x = P/ETp and y = ETa/ETp, dy/dx = 1 - yⁿ and y(0) = 0.
The effectivity parameter n describes how well the surface holds and returns water
(land use and the soil's usable field capacity): small n for bare or sandy ground,
large n for forest on loam. This is the form used by ABIMO / BAGLUVA (Glugla et al.)
and the approach DWA-M 102-4 (2022) names for unpaved surfaces; the open
re-implementation "DWA-a102" (K. Förster, `simple_bagluva.py`) integrates the same
equation numerically.

The relation has no closed form for general n; it is integrated here with the
classical Runge-Kutta scheme. n = 1 (y = 1 - e^-x) and n = 2 (y = tanh x) have closed
forms, which the unit tests use as worked examples.
"""

from __future__ import annotations

import math

# Steps of the Runge-Kutta integration; 400 steps keep the error below 1e-10 over the
# range of x the climate table allows (P/ETp up to about 4).
STEPS = 400


def _slope(y: float, n: float) -> float:
    return 1.0 - y**n if y > 0.0 else 1.0


def evaporation_ratio(x: float, n: float) -> float:
    """ETa/ETp for P/ETp = `x` and effectivity parameter `n` (both > 0)."""
    if not (math.isfinite(x) and math.isfinite(n)) or x < 0.0 or n <= 0.0:
        raise ValueError("the Bagrov relation needs P/ETp >= 0 and n > 0")
    if x == 0.0:
        return 0.0
    h, y = x / STEPS, 0.0
    for _ in range(STEPS):
        k1 = _slope(y, n)
        k2 = _slope(y + h * k1 / 2.0, n)
        k3 = _slope(y + h * k2 / 2.0, n)
        k4 = _slope(y + h * k3, n)
        y = min(1.0, y + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0)
    return y


def actual_evaporation_mm(precipitation_mm: float, etp_mm: float, n: float) -> float:
    """ETa (mm/a) of an unpaved, vegetated surface at P and ETp (mm/a)."""
    return etp_mm * evaporation_ratio(precipitation_mm / etp_mm, n)
