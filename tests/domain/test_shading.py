"""Shading classes from the data: the 17 cities apart, each in one class."""

from __future__ import annotations

import pytest

from app.domain.shading import breaks

# Share of the 25 % target reached in the demo data (0.089 ... 0.189).
DEMO = [0.189, 0.185, 0.184, 0.144, 0.143, 0.139, 0.135, 0.130, 0.125, 0.121, 0.120,
        0.110, 0.098, 0.098, 0.097, 0.096, 0.089]  # fmt: skip


def classify(value: float, bounds: list[float]) -> int:
    return next((i for i, b in enumerate(bounds) if value <= b), len(bounds))


def test_the_demo_cities_spread_over_five_classes() -> None:
    bounds = breaks(DEMO)
    assert len(bounds) == 4 and bounds == sorted(bounds)
    counts = [sum(classify(v, bounds) == c for v in DEMO) for c in range(5)]
    assert all(2 <= n <= 5 for n in counts), counts


def test_breaks_are_rounded_and_never_repeat() -> None:
    assert breaks([31.6, 28.7, 28.9, 32.5, 30.5, 32.2, 30.3, 33.9]) == sorted(
        set(breaks([31.6, 28.7, 28.9, 32.5, 30.5, 32.2, 30.3, 33.9]))
    )
    assert all(len(f"{b:g}".replace(".", "").lstrip("0")) <= 3 for b in breaks(DEMO))
    assert breaks([5.0] * 17) == []  # one value: one class


@pytest.mark.parametrize("values", [[], [1.0], [None, float("nan"), 3.0]])
def test_too_few_values_give_one_class(values: list) -> None:
    assert breaks(values) == []
