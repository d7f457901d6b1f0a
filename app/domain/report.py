"""A municipality's report as a council paper (`/kommunen/{ags}`): the figures behind
every chart and table of the page, and the CSV of them.

Pure functions over the city's progress (`statistics.targets`), its row in the
comparison of the 17 cities (`comparison.compare`) and the published measures' sums by
type and status. Areas in hectares, as councils speak; every target with the figure it
means for this city.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.catalogue import Catalogue
from app.domain.csv_cells import neutralise

Row = Mapping[str, Any]
HA = 10_000.0
# The order and German words of the statuses; cancelled is shown apart, never summed.
STATUS_ORDER = ("completed", "in_progress", "planned", "cancelled")
STATUS_DE = {
    "completed": "umgesetzt (fertiggestellt und veröffentlicht)",
    "in_progress": "in Umsetzung",
    "planned": "geplant",
    "cancelled": "abgebrochen (nicht in den Summen)",
}
DEMO_SOURCE_DE = "Demo-Wert (18 % der Gemeindefläche, keine Erhebung)"


def _ha(m2: float | None, digits: int = 2) -> float | None:
    return None if m2 is None else round(float(m2) / HA, digits)


def _pct(share: float | None, digits: int = 1) -> float | None:
    return None if share is None else round(100.0 * share, digits)


def targets_explained(place: Row) -> dict[str, Any]:
    """Both targets in this city's figures: what 25 % and +10 pp mean here."""
    sealed = float(place["sealed_area_m2"])
    rain_mm = float(place["climate"]["precipitation_mm"])
    d, e = place["disconnection"], place["evaporation"]
    return {
        "disconnection": {
            "target_share_pct": 25.0,
            "target_ha": _ha(d["target_m2"], 1),
            "achieved_ha": _ha(d["achieved_m2"]),
            "share_pct": _pct(d["share"], 2),
            "target_reached_pct": _pct(d["target_reached"]),
            "remaining_ha": _ha(d["remaining_m2"], 1),
        },
        "evaporation": {
            "target_pp": 10.0,
            "rain_on_sealed_m3": round(sealed * rain_mm / 1000.0),
            "target_m3": round(e["target_m3"]),
            "achieved_m3": round(e["achieved_m3"]),
            "change_pp": None if e["change_pp"] is None else round(e["change_pp"], 3),
            "target_reached_pct": _pct(e["target_reached"]),
            "missing_m3": round(e["missing_m3"]),
        },
    }


def path_table(place: Row) -> list[dict[str, Any]]:
    """The cumulative path by completion year (None: completed without a date)."""
    target_m2 = float(place["disconnection"]["target_m2"])
    return [
        {
            "year": row["year"],
            "disconnected_ha": _ha(row["disconnected_m2"]),
            "cumulative_ha": _ha(row["cumulative_disconnected_m2"]),
            "share_pct": _pct(row["share"], 2),
            "target_reached_pct": _pct(row["cumulative_disconnected_m2"] / target_m2),
            "extra_evaporation_m3": round(row["extra_evaporation_m3"]),
            "cumulative_evaporation_m3": round(row["cumulative_extra_evaporation_m3"]),
            "change_pp": None if row["change_pp"] is None else round(row["change_pp"], 3),
        }
        for row in place["path"]
    ]


def type_table(grouped: Iterable[Row], catalogue: Catalogue) -> list[dict[str, Any]]:
    """Per type: achieved, in progress and planned (count and ha each), cancelled
    apart, and why there is no water-balance effect where there is none."""
    sums: dict[str, dict[str, list[float]]] = {}
    for row in grouped:
        by_status = sums.setdefault(row["type"], {})
        cell = by_status.setdefault(row["status"], [0, 0.0])
        cell[0] += int(row["count"])
        cell[1] += float(row["disconnected_area_m2"] or 0)
    out = []
    for type_id, by_status in sums.items():
        measure_type = catalogue.types.get(type_id)
        entry: dict[str, Any] = {
            "type": type_id,
            "label_de": measure_type.label_de if measure_type else type_id,
            "effect_computed": bool(measure_type and measure_type.water_balance.model != "none"),
            "reason_de": measure_type.water_balance.reason_de if measure_type else None,
        }
        for status in STATUS_ORDER:
            count, m2 = by_status.get(status, [0, 0.0])
            entry[f"{status}_count"] = int(count)
            entry[f"{status}_ha"] = _ha(m2)
        out.append(entry)
    out.sort(key=lambda e: (-(e["completed_ha"] or 0), -e["completed_count"], e["label_de"]))
    return out


def status_table(types: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per status: count and ha, labelled; cancelled marked as not in the sums."""
    return [
        {
            "status": status,
            "label_de": STATUS_DE[status],
            "count": sum(t[f"{status}_count"] for t in types),
            "ha": round(sum(t[f"{status}_ha"] or 0 for t in types), 2),
            "in_totals": status != "cancelled",
        }
        for status in STATUS_ORDER
    ]


def region_standing(region: Row) -> dict[str, Any] | None:
    """The region's standing (all cities with a baseline), for comparison."""
    if "disconnection" not in region:
        return None
    d, e = region["disconnection"], region["evaporation"]
    return {
        "share_pct": _pct(d["share"], 2),
        "target_reached_pct": _pct(d["target_reached"]),
        "change_pp": None if e["change_pp"] is None else round(e["change_pp"], 3),
        "evaporation_target_reached_pct": _pct(e["target_reached"]),
    }


def report(
    place: Row,
    compared: Row,
    grouped: Iterable[Row],
    catalogue: Catalogue,
    stand: str | None,
    stand_local: str | None,
    region: Row | None = None,
) -> dict[str, Any]:
    """The report document of one city with a baseline (`region`: the region's
    `statistics.targets`, for comparison)."""
    rows = compared["municipalities"]
    mine = next(r for r in rows if r["ags"] == place["ags"])
    types = type_table([g for g in grouped if g["municipality"] == place["ags"]], catalogue)
    climate = place["climate"]
    return {
        "ags": place["ags"],
        "name": place["name"],
        "stand": stand,
        "stand_local": stand_local,
        "counts": "achieved = completed and published; planned and in progress shown apart",
        "rank": mine["rank"],
        "ranked": sum(1 for r in rows if r.get("rank")),
        "comparison": mine,
        "region": region_standing(region or {}),
        "baseline": {
            "sealed_area_ha": _ha(place["sealed_area_m2"], 1),
            "sealed_year": place["sealed_year"],
            "is_demo": bool(place["is_demo"]),
            "source": place["sealed_source"],
            "source_de": DEMO_SOURCE_DE if place["is_demo"] else place["sealed_source"],
            "precipitation_mm": climate["precipitation_mm"],
            "etp_mm": climate["etp_mm"],
            "climate_is_default": climate["is_default"],
        },
        "targets": targets_explained(place),
        "path": path_table(place),
        "by_type": types,
        "by_status": status_table(types),
    }


def as_csv(doc: Row) -> str:
    """The page's figures as one CSV: a section column, then label and values."""
    out = io.StringIO()
    writer = csv.writer(out)

    def write(*cells: Any) -> None:
        writer.writerow([neutralise("" if c is None else c) for c in cells])

    write("section", "key", "value_1", "value_2", "value_3", "value_4", "value_5", "value_6")
    write("municipality", doc["ags"], doc["name"], doc["stand"])
    write("rank", "of_the_cities_with_a_baseline", doc["rank"], doc["ranked"])
    for key, value in (doc.get("region") or {}).items():
        write("region", key, value)
    base = doc["baseline"]
    write("baseline", "sealed_area_ha", base["sealed_area_ha"], base["sealed_year"], base["source"])
    for target, figures in doc["targets"].items():
        for key, value in figures.items():
            write(f"target_{target}", key, value)
    write(
        "path",
        "year",
        "disconnected_ha",
        "cumulative_ha",
        "share_pct",
        "target_reached_pct",
        "cumulative_evaporation_m3",
        "change_pp",
    )
    for row in doc["path"]:
        write(
            "path",
            row["year"] or "no date",
            row["disconnected_ha"],
            row["cumulative_ha"],
            row["share_pct"],
            row["target_reached_pct"],
            row["cumulative_evaporation_m3"],
            row["change_pp"],
        )
    write(
        "by_type",
        "type",
        "completed_count",
        "completed_ha",
        "in_progress_count",
        "planned_count",
        "cancelled_count",
    )
    for row in doc["by_type"]:
        write(
            "by_type",
            row["type"],
            row["completed_count"],
            row["completed_ha"],
            row["in_progress_count"],
            row["planned_count"],
            row["cancelled_count"],
        )
    for row in doc["by_status"]:
        write("by_status", row["status"], row["count"], row["ha"], row["in_totals"])
    return out.getvalue()
