"""Store every measure's water-balance impact and counted disconnected area: the one
path from the pure rules (`accounting.counted_area`, `water_balance.measure_effect`) to
the stored columns, used by API writes, the demo loader, the importer and the refreshes
after a climate or catalogue change.

Surfaces and systems are linear in their areas at a given type, parameters and
climate, so the rule is evaluated once per such combination (for a unit area and a
unit catchment) and scaled; cisterns depend on volume over catchment and are evaluated
per measure.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import asyncpg

from app.domain.accounting import counted_area, counts_own_area
from app.domain.catalogue import load_catalogue
from app.domain.water_balance import PARAMETERS, Climate, climate_of, effect_or_reason
from app.sql import impacts as sql

Volumes = tuple[float | None, float | None, float | None]


@lru_cache(maxsize=4096)
def _unit(type_id: str, params: tuple[Any, ...], climate: Climate) -> tuple[Volumes, Volumes]:
    """The effect of one m² of the measure itself and of one m² of its catchment."""
    measure_type = load_catalogue().types[type_id]
    props = dict(zip(PARAMETERS, params, strict=True))
    own = effect_or_reason(measure_type, {**props, "disconnected_area_m2": 0.0}, 1.0, climate)
    catchment = effect_or_reason(measure_type, {**props, "disconnected_area_m2": 1.0}, 0.0, climate)

    def volumes(e: Any) -> Volumes:
        return (e.runoff_avoided_m3, e.extra_evaporation_m3, e.extra_infiltration_m3)

    return volumes(own), volumes(catchment)


def impact_of(row: dict[str, Any] | asyncpg.Record, climate: Climate) -> Volumes:
    """A measure's stored impact (m³/a) from its row; None where none is computed."""
    catalogue = load_catalogue()
    measure_type = catalogue.types.get(row["type"])
    if measure_type is None:
        return (None, None, None)
    area = float(row["area_m2"] or 0.0)
    if measure_type.water_balance.model == "cistern":
        props = {n: row[n] for n in ("disconnected_area_m2", "retention_volume_m3", *PARAMETERS)}
        e = effect_or_reason(measure_type, props, area, climate)
        return (e.runoff_avoided_m3, e.extra_evaporation_m3, e.extra_infiltration_m3)
    own, per_catchment = _unit(row["type"], tuple(row[n] for n in PARAMETERS), climate)
    if own[0] is None:
        return (None, None, None)
    catchment = float(row["disconnected_area_m2"] or 0.0)
    return tuple(  # type: ignore[return-value]
        o * area + c * catchment for o, c in zip(own, per_catchment, strict=True)
    )


async def climates(conn: asyncpg.Connection) -> dict[str | None, Climate]:
    """Every municipality's climate (baseline where set, default else), by AGS."""
    baselines = await sql.select_baseline_climates(conn)
    rows = await conn.fetch("SELECT ags FROM municipalities")
    return {r["ags"]: climate_of(r["ags"], baselines.get(r["ags"])) for r in rows}


async def store_impacts(
    conn: asyncpg.Connection, target: str = "measures", condition: str | None = None, *args: Any
) -> int:
    """Compute and store the impact of the rows of `target` matching `condition`;
    returns how many changed. On `measures` this is a refresh: no new version, no
    history entry (the caller's transaction)."""
    by_ags = await climates(conn)
    changed = []
    types = load_catalogue().types
    for row in await sql.select_inputs(conn, target, condition, *args):
        climate = by_ags.get(row["municipality"]) or climate_of(row["municipality"], None)
        counted = (row["disconnected_area_m2"], row["disconnected_area_source"])
        if row["type"] in types:
            c = counted_area(types[row["type"]], *counted, row["area_m2"])
            counted = (c.area_m2, c.source)
        new = (*impact_of({**row, "disconnected_area_m2": counted[0]}, climate), *counted)
        old = (
            row["runoff_avoided_m3"],
            row["extra_evaporation_m3"],
            row["extra_infiltration_m3"],
            row["disconnected_area_m2"],
            row["disconnected_area_source"],
        )
        if new != old:
            changed.append((row["key"], *new))
    if target == "measures" and changed:
        await conn.execute("SET LOCAL klimawerk.refresh = 'on'")
        await sql.update_impacts(conn, target, changed)
        await conn.execute("SET LOCAL klimawerk.refresh = 'off'")
    else:
        await sql.update_impacts(conn, target, changed)
    return len(changed)


async def accounting_pending(conn: asyncpg.Connection) -> bool:
    """True while a measure whose own area counts has no counted area yet (rows stored
    before the accounting rule)."""
    own = [t.id for t in load_catalogue().types.values() if counts_own_area(t)]
    return bool(await sql.exists_unaccounted(conn, own))
