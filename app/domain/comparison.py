"""The 17 cities side by side (`GET /kommunen`): one row per city, ranked.

Pure functions over the progress of each municipality (`statistics.targets`) and the
counts of published measures by status. Every figure is one the city's own report
and `/statistics` carry, so a row can be quoted next to either; the rank orders the
cities by how far they are towards the 25 % target.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.csv_cells import neutralise

Row = Mapping[str, Any]
# Planned work that has not been achieved yet: not in the progress, shown beside it.
OPEN_STATUSES = ("planned", "in_progress")
RECENT_YEARS = 3

# (key, German heading, English heading) of the table's columns, in order; the CSV
# uses the keys, the page the headings.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rank", "Rang", "Rank"),
    ("ags", "AGS", "AGS"),
    ("name", "Kommune", "Municipality"),
    ("sealed_area_ha", "Versiegelte Fläche (ha)", "Sealed area (ha)"),
    ("sealed_source", "Quelle der versiegelten Fläche", "Source of the sealed area"),
    ("sealed_year", "Stand der versiegelten Fläche", "Year of the sealed area"),
    ("is_demo", "Demo-Wert", "Demo value"),
    ("disconnected_ha", "Abgekoppelt (ha)", "Disconnected (ha)"),
    ("disconnected_share_pct", "Anteil an versiegelter Fläche (%)", "Share of sealed area (%)"),
    ("disconnection_target_pct", "Erreicht vom 25-%-Ziel (%)", "Of the 25 % target (%)"),
    ("evaporation_change_pp", "Verdunstung (Prozentpunkte)", "Evaporation (pp)"),
    ("evaporation_target_pct", "Erreicht vom +10-pp-Ziel (%)", "Of the +10 pp target (%)"),
    ("achieved_count", "Maßnahmen umgesetzt", "Measures achieved"),
    ("open_count", "Maßnahmen geplant oder im Bau", "Measures planned or in progress"),
    ("per_km2_sealed", "Umgesetzt je km² versiegelt", "Achieved per km² sealed"),
)


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def recent_years(path: Iterable[Row], years: list[int]) -> list[dict[str, Any]]:
    """Disconnected hectares and evaporation points achieved in each of `years`."""
    by_year = {row["year"]: row for row in path if row["year"]}
    out = []
    for year in years:
        row = by_year.get(year)
        m2 = float(row["disconnected_m2"]) if row else 0.0
        out.append({"year": year, "disconnected_ha": round(m2 / 10_000.0, 2)})
    return out


def _row(place: Row, counts: Mapping[str, int], open_count: int, years: list[int]) -> dict:
    sealed = float(place["sealed_area_m2"])
    disconnection, evaporation = place["disconnection"], place["evaporation"]
    achieved = int(counts.get(place["ags"], 0))

    def pct(x: float | None) -> float | None:
        return _round(None if x is None else 100.0 * x, 1)

    return {
        "ags": place["ags"],
        "name": place["name"],
        "sealed_area_ha": round(sealed / 10_000.0, 1),
        "sealed_source": place["sealed_source"],
        "sealed_year": place["sealed_year"],
        "is_demo": bool(place["is_demo"]),
        "disconnected_ha": round(float(disconnection["achieved_m2"] or 0) / 10_000.0, 2),
        "disconnected_share_pct": pct(disconnection["share"]),
        "disconnection_target_pct": pct(disconnection["target_reached"]),
        "evaporation_change_pp": _round(evaporation["change_pp"], 2),
        "evaporation_target_pct": pct(evaporation["target_reached"]),
        "achieved_count": achieved,
        "open_count": open_count,
        "per_km2_sealed": round(achieved / (sealed / 1_000_000.0), 1),
        "recent_years": recent_years(place["path"], years),
        "report": f"/kommunen/{place['ags']}",
    }


def compare(
    targets: Row, names: Mapping[str, str], grouped: Iterable[Row], this_year: int
) -> dict[str, Any]:
    """The comparison document: cities with a baseline ranked by how far they are
    towards the 25 % target (ties: by name), then the others without figures.

    `targets` is `statistics.targets(...)` for the region; `grouped` are published
    measures' counts by municipality and status; achieved counts come from the
    progress path, so they match the report."""
    achieved: dict[str, int] = {}
    open_counts: dict[str, int] = {}
    for row in grouped:
        if row["status"] in OPEN_STATUSES:
            open_counts[row["municipality"]] = open_counts.get(row["municipality"], 0) + int(
                row["count"]
            )
        elif row["status"] == "completed":
            achieved[row["municipality"]] = achieved.get(row["municipality"], 0) + int(row["count"])
    years = list(range(this_year - RECENT_YEARS + 1, this_year + 1))
    places = targets.get("by_municipality", [])
    rows = [_row(p, achieved, open_counts.get(p["ags"], 0), years) for p in places]
    rows.sort(key=lambda r: (-(r["disconnection_target_pct"] or 0.0), r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    without = sorted(set(names) - {r["ags"] for r in rows}, key=lambda a: names[a])
    return {
        "counts": "achieved = completed and published, as in /statistics and every report",
        "targets": {"disconnection_share": 0.25, "evaporation_pp": 10.0},
        "recent_years": years,
        "municipalities": [*rows, *({"ags": a, "name": names[a], "rank": None} for a in without)],
    }


def as_csv(doc: Row) -> str:
    """One line per city, the columns of the table plus the recent years' hectares."""
    out = io.StringIO()
    writer = csv.writer(out)
    years = doc["recent_years"]
    writer.writerow([*(key for key, _, _ in COLUMNS), *(f"disconnected_ha_{y}" for y in years)])
    for row in doc["municipalities"]:
        recent = {r["year"]: r["disconnected_ha"] for r in row.get("recent_years", [])}
        cells = [row.get(key) for key, _, _ in COLUMNS] + [recent.get(y) for y in years]
        writer.writerow([neutralise("" if c is None else c) for c in cells])
    return out.getvalue()
