"""Statistics a planner can quote: roll-ups of the measures' figures, and each city's
progress towards the Klima.Werk targets. Pure functions over rows (mappings).

Rules:
- totals and the roll-ups by type, year and municipality never add cancelled measures;
  the roll-up by status shows every status, cancelled marked as not in the totals;
- "achieved" means completed and published; progress counts achieved measures only,
  whatever the filter and whoever asks (a reviewer's unpublished measures are shown
  apart, labelled, never added);
- progress states its baseline (sealed area, source, year), what is still missing and
  the cumulative path by completion year.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain import shading
from app.domain.catalogue import Catalogue
from app.domain.csv_cells import neutralise
from app.domain.water_balance import (
    DISCONNECTION_TARGET,
    EVAPORATION_TARGET_PP,
    Climate,
    climate_of,
    region_climate,
)

FIGURES = (
    "count",
    "area_m2",
    "disconnected_area_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
)
NOT_IN_TOTALS = ("cancelled",)
Row = Mapping[str, Any]


def roll_up(rows: Iterable[Row], key: str | None) -> dict[Any, dict[str, float]]:
    """Sum the figures of per-group rows by one key (None: one grand total)."""
    out: dict[Any, dict[str, float]] = {}
    for row in rows:
        group = out.setdefault(row[key] if key else "total", dict.fromkeys(FIGURES, 0.0))
        for name in FIGURES:
            group[name] += float(row[name] or 0)
    return out


def figures(sums: Mapping[str, float]) -> dict[str, float | int]:
    """The figures of one group, rounded as they are shown."""
    out: dict[str, float | int] = {"count": int(sums.get("count", 0))}
    for name in FIGURES[1:]:
        out[name] = round(sums.get(name, 0.0), 1)
    return out


def counted(rows: Iterable[Row]) -> list[Row]:
    """The rows that totals add: every status but cancelled."""
    return [r for r in rows if r["status"] not in NOT_IN_TOTALS]


@dataclass(frozen=True)
class Progress:
    """Where a place stands against both targets (None: no baseline set)."""

    disconnected_share: float | None
    disconnection_target_reached: float | None
    evaporation_change_pp: float | None
    evaporation_target_reached: float | None


def progress(
    disconnected_m2: float,
    extra_evaporation_m3: float,
    sealed_area_m2: float | None,
    precipitation_mm: float,
) -> Progress:
    """Disconnected share of the sealed area, and the evaporation change in percentage
    points of the precipitation on the sealed area, each against its target."""
    if not sealed_area_m2:
        return Progress(None, None, None, None)
    share = disconnected_m2 / sealed_area_m2
    rain_m3 = sealed_area_m2 * precipitation_mm / 1000.0
    change_pp = 100.0 * extra_evaporation_m3 / rain_m3
    return Progress(
        share, share / DISCONNECTION_TARGET, change_pp, change_pp / EVAPORATION_TARGET_PP
    )


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def standing(
    sealed_area_m2: float, precipitation_mm: float, disconnected_m2: float, evaporation_m3: float
) -> dict[str, Any]:
    """Both targets: what is achieved, the share reached and what is still missing."""
    result = progress(disconnected_m2, evaporation_m3, sealed_area_m2, precipitation_mm)
    target_m2 = DISCONNECTION_TARGET * sealed_area_m2
    target_m3 = EVAPORATION_TARGET_PP / 100.0 * sealed_area_m2 * precipitation_mm / 1000.0
    remaining_m2 = max(0.0, target_m2 - disconnected_m2)
    return {
        "disconnection": {
            "target_share": DISCONNECTION_TARGET,
            "target_m2": _r(target_m2),
            "achieved_m2": _r(disconnected_m2),
            "disconnected_completed_m2": _r(disconnected_m2),
            "share": result.disconnected_share,
            "target_reached": result.disconnection_target_reached,
            "remaining_m2": _r(remaining_m2),
            "remaining_ha": _r(remaining_m2 / 10_000.0, 2),
        },
        "evaporation": {
            "target_pp": EVAPORATION_TARGET_PP,
            "target_m3": _r(target_m3),
            "achieved_m3": _r(evaporation_m3),
            "extra_evaporation_completed_m3": _r(evaporation_m3),
            "change_pp": result.evaporation_change_pp,
            "target_reached": result.evaporation_target_reached,
            "missing_m3": _r(max(0.0, target_m3 - evaporation_m3)),
        },
    }


def path(
    achieved: Iterable[Row], sealed_area_m2: float, precipitation_mm: float
) -> list[dict[str, Any]]:
    """Achieved figures by completion year, ascending, each with the running total and
    the share and change they amount to. Rows: year (0 or None: no date),
    disconnected_m2, extra_evaporation_m3."""
    years: dict[int | None, list[float]] = {}
    for row in achieved:
        year = row["year"] or None
        sums = years.setdefault(year, [0.0, 0.0])
        sums[0] += float(row["disconnected_m2"] or 0)
        sums[1] += float(row["extra_evaporation_m3"] or 0)
    out = []
    total_m2 = total_m3 = 0.0
    for year in sorted(years, key=lambda y: (y is not None, y or 0)):
        m2, m3 = years[year]
        total_m2 += m2
        total_m3 += m3
        result = progress(total_m2, total_m3, sealed_area_m2, precipitation_mm)
        out.append(
            {
                "year": year,
                "disconnected_m2": _r(m2),
                "cumulative_disconnected_m2": _r(total_m2),
                "extra_evaporation_m3": _r(m3),
                "cumulative_extra_evaporation_m3": _r(total_m3),
                "share": result.disconnected_share,
                "change_pp": result.evaporation_change_pp,
            }
        )
    return out


def reference_deviation(baseline: Row, change_pp: float | None) -> dict[str, Any] | None:
    """The undeveloped reference split (M 102-4's goal) where the baseline sets one,
    with how far the evaporation of the sealed area is from it: the baseline's
    evaporation rate plus what achieved measures add. Runoff and infiltration of the
    whole area are not held by the registry, so no deviation is given for them."""
    if baseline.get("reference_runoff") is None or not baseline.get("reference_source"):
        return None
    reference = {
        "runoff": baseline["reference_runoff"],
        "infiltration": baseline["reference_infiltration"],
        "evaporation": baseline["reference_evaporation"],
        "source": baseline["reference_source"],
    }
    rate = baseline.get("evaporation_rate")
    if rate is None:
        return {
            **reference,
            "current": None,
            "deviation_pp": None,
            "note": "set the baseline's evaporation_rate to see the deviation",
        }
    current = rate + (change_pp or 0.0) / 100.0
    return {
        **reference,
        "current": {"evaporation": round(current, 4)},
        "deviation_pp": {"evaporation": round(100.0 * (current - reference["evaporation"]), 2)},
    }


def _climate(baseline: Row) -> Climate:
    return climate_of(baseline["ags"], dict(baseline))


def municipality_progress(
    baseline: Row, achieved: list[Row], unpublished: Row | None
) -> dict[str, Any]:
    """One municipality with a baseline: the baseline, its climate, both targets, the
    path and the reference deviation."""
    climate = _climate(baseline)
    sealed = float(baseline["sealed_area_m2"])
    disconnected = sum(float(r["disconnected_m2"] or 0) for r in achieved)
    evaporation = sum(float(r["extra_evaporation_m3"] or 0) for r in achieved)
    state = standing(sealed, climate.precipitation_mm, disconnected, evaporation)
    return {
        "ags": baseline["ags"],
        "name": baseline["name"],
        "sealed_area_m2": sealed,
        "sealed_source": baseline["sealed_source"],
        "sealed_year": baseline["sealed_year"],
        "is_demo": baseline["is_demo"],
        "climate": climate.as_json(),
        **state,
        "path": path(achieved, sealed, climate.precipitation_mm),
        "reference": reference_deviation(baseline, state["evaporation"]["change_pp"]),
        "unpublished": _unpublished(unpublished),
    }


def _unpublished(row: Row | None) -> dict[str, Any] | None:
    if not row or not row["count"]:
        return None
    return {
        "label": "completed but not yet published: visible to you, not counted in the progress",
        "count": int(row["count"]),
        "disconnected_m2": _r(float(row["disconnected_m2"] or 0)),
        "extra_evaporation_m3": _r(float(row["extra_evaporation_m3"] or 0)),
    }


def baseline_summary(baseline: Row) -> dict[str, Any]:
    """A baseline as the statistics list it (with the climate in use)."""
    climate = _climate(baseline)
    keys = (
        "ags",
        "name",
        "sealed_area_m2",
        "sealed_source",
        "sealed_year",
        "evaporation_rate",
        "is_demo",
    )
    return {
        **{k: baseline[k] for k in keys},
        "precipitation_mm": climate.precipitation_mm,
        "etp_mm": climate.etp_mm,
        "climate_source": climate.source if climate.is_default else climate.note,
        "climate_is_default": climate.is_default,
    }


def targets(
    baselines: list[Row],
    achieved: list[Row],
    unpublished: list[Row],
    scope: set[str] | None,
) -> dict[str, Any]:
    """Progress of the municipalities in scope (None: the region) that have a baseline;
    achieved rows carry municipality, year, disconnected_m2, extra_evaporation_m3."""
    chosen = [b for b in baselines if scope is None or b["ags"] in scope]
    with_baseline = [b for b in chosen if b["sealed_area_m2"]]
    if not with_baseline:
        return {
            "baseline": "no baseline",
            "municipalities_with_baseline": 0,
            "municipalities": len(chosen),
        }
    by_ags: dict[str, list[Row]] = {}
    for row in achieved:
        by_ags.setdefault(row["municipality"], []).append(row)
    hidden = {r["municipality"]: r for r in unpublished}
    places = [
        municipality_progress(b, by_ags.get(b["ags"], []), hidden.get(b["ags"]))
        for b in with_baseline
    ]
    sealed = sum(p["sealed_area_m2"] for p in places)
    # Rain on the sealed area, each municipality with its own precipitation.
    rain_mm = sum(p["sealed_area_m2"] * p["climate"]["precipitation_mm"] for p in places) / sealed
    region_rows = [r for b in with_baseline for r in by_ags.get(b["ags"], [])]
    disconnected = sum(float(r["disconnected_m2"] or 0) for r in region_rows)
    evaporation = sum(float(r["extra_evaporation_m3"] or 0) for r in region_rows)
    hidden_rows = [hidden[b["ags"]] for b in with_baseline if b["ags"] in hidden]
    return {
        "counts": "achieved measures only (completed and published); the same for every "
        "filter and caller",
        "municipalities_with_baseline": len(with_baseline),
        "municipalities": len(chosen),
        "sealed_area_m2": round(sealed, 1),
        "precipitation_mm": round(rain_mm, 1),
        **standing(sealed, rain_mm, disconnected, evaporation),
        "path": path(region_rows, sealed, rain_mm),
        "unpublished": _unpublished(
            {
                "count": sum(int(r["count"]) for r in hidden_rows),
                "disconnected_m2": sum(float(r["disconnected_m2"] or 0) for r in hidden_rows),
                "extra_evaporation_m3": sum(
                    float(r["extra_evaporation_m3"] or 0) for r in hidden_rows
                ),
            }
        ),
        "baselines": [baseline_summary(b) for b in with_baseline],
        "by_municipality": places,
    }


def document(
    rows: list[Row],
    baselines: list[Row],
    achieved: list[Row],
    unpublished: list[Row],
    municipalities: list[str],
    catalogue: Catalogue,
) -> dict[str, Any]:
    """The /statistics document: roll-ups of the filtered rows (per municipality, type,
    status and year), the achieved figures and the targets of the scope."""
    names = {b["ags"]: b["name"] for b in baselines}
    scope = set(municipalities) or None
    kept = counted(rows)
    total = roll_up(kept, None).get("total", {})
    groups = {key: roll_up(kept, key) for key in ("type", "year", "municipality")}
    groups["status"] = roll_up(rows, "status")
    in_scope = [r for r in achieved if scope is None or r["municipality"] in scope]
    # Achieved rows carry no area; the disconnected area is their disconnected_m2.
    achieved_sums = roll_up(
        [
            {**dict(r), "area_m2": 0.0, "disconnected_area_m2": r["disconnected_m2"]}
            for r in in_scope
        ],
        None,
    ).get("total", {})

    def ordered(key: str) -> list[tuple[Any, dict[str, float]]]:
        return sorted(groups[key].items(), key=lambda item: (item[0] is None, item[0]))

    region = region_climate()
    achieved_figures = figures(achieved_sums)
    achieved_figures.pop("area_m2")
    standing = targets(baselines, achieved, unpublished, scope)
    sealed = {b["ags"]: float(b["sealed_area_m2"]) for b in baselines if b["sealed_area_m2"]}

    def per_km2_sealed(ags: str, count: float) -> float | None:
        # Counts normalised by the sealed area: big cities are not dark for being big.
        return round(count / (sealed[ags] / 1_000_000.0), 2) if ags in sealed else None

    by_municipality = [
        {
            "municipality": k,
            "name": names.get(k),
            **figures(v),
            "per_km2_sealed": per_km2_sealed(k, v["count"]),
        }
        for k, v in ordered("municipality")
    ]
    return {
        "scope": {"municipalities": municipalities or "region"},
        "assumptions": {
            "method": "DWA-M 102-4 (2022) regressions per element; see /measure-types",
            "totals": "every status except cancelled",
            "achieved": "status completed and review_state published",
            "progress_counts": "achieved measures only; the same for every caller and filter",
            "region_climate_default": region.as_json(),
        },
        "totals": figures(total),
        "by_type": [
            {
                "type": t,
                "label_de": catalogue.types[t].label_de,
                "label_en": catalogue.types[t].label_en,
                "effect_computed": catalogue.types[t].water_balance.model != "none",
                **figures(v),
            }
            for t, v in ordered("type")
        ],
        "by_status": [
            {"status": k, "in_totals": k not in NOT_IN_TOTALS, **figures(v)}
            for k, v in ordered("status")
        ],
        "by_year": [{"year": k, **figures(v)} for k, v in ordered("year")],
        "by_municipality": by_municipality,
        "achieved": achieved_figures,
        "targets": standing,
        # Class breaks for the map's shading (`domain.shading`): the share of the 25 %
        # target reached, and measures per km² of sealed area.
        "shading": {
            "progress": shading.breaks(
                p["disconnection"]["target_reached"] for p in standing.get("by_municipality", [])
            ),
            "per_km2_sealed": shading.breaks(r["per_km2_sealed"] for r in by_municipality),
        },
    }


# Target columns of the CSV: a municipality's (and the region's) standing, from `targets`.
TARGET_COLUMNS = (
    "sealed_area_m2",
    "achieved_disconnected_m2",
    "disconnected_share",
    "disconnection_target_reached",
    "achieved_extra_evaporation_m3",
    "evaporation_change_pp",
    "evaporation_target_reached",
)


def _target_cells(place: Mapping[str, Any] | None) -> list[Any]:
    if not place or "disconnection" not in place:
        return [""] * len(TARGET_COLUMNS)
    disconnection, evaporation = place["disconnection"], place["evaporation"]
    return [
        place["sealed_area_m2"],
        disconnection["achieved_m2"],
        _r(disconnection["share"], 5),
        _r(disconnection["target_reached"], 5),
        evaporation["achieved_m3"],
        _r(evaporation["change_pp"], 4),
        _r(evaporation["target_reached"], 5),
    ]


def as_csv(doc: dict[str, Any]) -> str:
    """The document's roll-ups as CSV rows: group, key, the figures and the name, then the
    targets (25 % disconnected, +10 pp evaporation) on the region's and each
    municipality's row; text a spreadsheet would run as a formula is neutralised
    (`csv_cells.neutralise`)."""
    out = io.StringIO()
    writer = csv.writer(out)

    def write(cells: list[Any]) -> None:
        writer.writerow([neutralise(c) for c in cells])

    targets = doc.get("targets", {})
    standing = {p["ags"]: p for p in targets.get("by_municipality", [])}
    region = targets if "disconnection" in targets else None
    names = {"type": "label_de", "municipality": "name"}
    # New columns go after the old ones: readers that count columns keep working.
    write(["group", "key", *FIGURES, "name", *TARGET_COLUMNS])
    # The total row carries the standing of the scope (the region, or the cities asked for).
    write(["total", "", *(doc["totals"].get(f, 0) for f in FIGURES), "", *_target_cells(region)])
    for group, key in (
        ("by_type", "type"),
        ("by_status", "status"),
        ("by_year", "year"),
        ("by_municipality", "municipality"),
    ):
        for row in doc[group]:
            name = row.get(names[key]) if key in names else ""
            place = standing.get(row[key]) if key == "municipality" else None
            write(
                [
                    key,
                    "" if row[key] is None else row[key],
                    *(row[f] for f in FIGURES),
                    name or "",
                    *_target_cells(place),
                ]
            )
    return out.getvalue()
