"""A measure's area and impact read the same in its Feature and its exports.

Tiles carry no area or impact (only id, type and review state): nothing there to round.
"""

from __future__ import annotations

import json

import asyncpg
from shapely.geometry import box

from app.domain.rounding import AREA_DECIMALS, IMPACT_DECIMALS
from app.query.measure import MeasureQuery
from app.services import impacts
from app.sql import exports
from tests.factories import insert_measure

IMPACTS = ("runoff_avoided_m3", "extra_evaporation_m3", "extra_infiltration_m3")
# A roof in Essen whose area has more decimals than any output keeps.
ROOF = box(7.0123, 51.4551, 7.01267, 51.45533)


async def test_feature_and_export_round_alike(conn: asyncpg.Connection) -> None:
    inserted = await insert_measure(conn, ROOF, title="Rounding")
    # Impacts are stored by the one rule in Python (ADR 0009), as every write path does.
    assert await impacts.store_impacts(conn, "measures", "id = $1", inserted["id"]) == 1
    row = stored = await conn.fetchrow(
        "SELECT id, municipality, feature, area_m2, runoff_avoided_m3, extra_evaporation_m3,"
        " extra_infiltration_m3 FROM measures WHERE id = $1",
        inserted["id"],
    )
    assert round(stored["area_m2"], AREA_DECIMALS - 1) != round(stored["area_m2"], AREA_DECIMALS)
    properties = json.loads(row["feature"])["properties"]
    assert properties["area_m2"] == round(stored["area_m2"], AREA_DECIMALS)
    for name in IMPACTS:
        assert properties[name] == round(stored[name], IMPACT_DECIMALS)

    mine = MeasureQuery(municipality=[row["municipality"]], status=["completed"])
    exported = [r async for batch in exports.stream_rows(conn, mine) for r in batch]
    (flat,) = (r for r in exported if r["id"] == str(row["id"]))
    assert flat["area_m2"] == properties["area_m2"]
    assert [flat[n] for n in IMPACTS] == [properties[n] for n in IMPACTS]
