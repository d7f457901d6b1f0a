"""Which sealed area a measure disconnects: the rule behind `disconnected_area_m2`.

Progress towards the 25 % target sums the disconnected area of achieved measures, so a
measure without a value counts 0 m². Two kinds of type differ:
- a measure whose own surface is what no longer drains to the sewer (green and
  retention roofs, permeable paving, unsealing: water-balance model "surface")
  disconnects its own area; unless the partner gives a value, it is the geometry's area
  in EPSG:25832 (`area_m2`), and the stored source says "derived";
- a system that drains a catchment (swale, trench, tree trench, cistern, disconnection,
  retention area: `drains_catchment`) disconnects the roofs and yards connected to it,
  which the geometry does not show: the partner gives that area, else it counts 0 m²;
- other types keep what the partner gives.

This is the only home of the rule: every write path stores what `counted_area` returns
(through `services.impacts`), the preview shows it, and the migration of stored rows
applies it at the next refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.domain.catalogue import MeasureType

Source = Literal["given", "derived"]
GIVEN: Source = "given"
DERIVED: Source = "derived"


@dataclass(frozen=True)
class Counted:
    """The disconnected area that counts (m², None: nothing) and where it comes from."""

    area_m2: float | None
    source: Source | None


def counts_own_area(measure_type: MeasureType) -> bool:
    """True where the measure's own surface is the area it disconnects."""
    return measure_type.water_balance.model == "surface" and not measure_type.drains_catchment


def counted_area(
    measure_type: MeasureType, given_m2: float | None, source: str | None, area_m2: float | None
) -> Counted:
    """The disconnected area of a measure: the partner's value where given (`source` is
    "given" or, for a value without a source yet, None), else the own area where the
    type disconnects its own surface, else nothing."""
    if given_m2 is not None and source != DERIVED:
        return Counted(float(given_m2), GIVEN)
    if counts_own_area(measure_type) and area_m2 is not None:
        return Counted(round(float(area_m2), 1), DERIVED)
    return Counted(None, None)


def hint(measure_type: MeasureType) -> str:
    """What the form says about the field, in German."""
    if counts_own_area(measure_type):
        return (
            "Leer lassen: es zählt die gezeichnete Fläche. Nur angeben, wenn weniger "
            "versiegelte Fläche abgekoppelt ist."
        )
    if measure_type.drains_catchment:
        return (
            "Angeschlossene Fläche angeben: Dächer und Höfe, deren Regenwasser in diese "
            "Anlage fließt (nicht die Fläche der Anlage selbst). Ohne Angabe zählt 0 m²."
        )
    return "Nur angeben, wenn die Maßnahme versiegelte Fläche vom Kanal abkoppelt."
