"""SQL for the measure-type catalogue table, which mirrors `app/domain/measure_types.json`."""

from __future__ import annotations

import hashlib
import json

import asyncpg

from app.domain.catalogue import Catalogue
from app.domain.m102_4 import load_elements

UPSERT = """
INSERT INTO measure_types (id, label_de, label_en, geometry_types, line_width_m,
                           drains_catchment, details)
SELECT t->>'id', t->>'label_de', t->>'label_en',
       ARRAY(SELECT jsonb_array_elements_text(t->'geometry_types')),
       (t->>'line_width_m')::float8, (t->>'drains_catchment')::boolean, t->'details'
  FROM jsonb_array_elements($1::jsonb) AS t
ON CONFLICT (id) DO UPDATE
   SET label_de = excluded.label_de, label_en = excluded.label_en,
       geometry_types = excluded.geometry_types, line_width_m = excluded.line_width_m,
       drains_catchment = excluded.drains_catchment, details = excluded.details
 WHERE (measure_types.*) IS DISTINCT FROM (excluded.*)
RETURNING id
"""

# Derived values of every measure again, without new versions or history.
REFRESH = """
UPDATE measures SET type = type WHERE deleted_at IS NULL AND ($1::text IS NULL OR municipality = $1)
"""


async def sync_catalogue(conn: asyncpg.Connection, catalogue: Catalogue) -> int:
    """Write the catalogue file into the table; returns how many types changed.

    `details` carries each type's water-balance model and a fingerprint of the element
    table, so a new coefficient shows as a change; the caller then stores every
    measure's impact again (`services.impacts`)."""
    fingerprint = hashlib.sha256(
        json.dumps(load_elements().as_json(), sort_keys=True).encode()
    ).hexdigest()[:16]
    rows = [
        {
            "id": t.id,
            "label_de": t.label_de,
            "label_en": t.label_en,
            "geometry_types": list(t.geometry_types),
            "line_width_m": t.line_width_m,
            "drains_catchment": t.drains_catchment,
            "details": {**t.as_json(), "elements": fingerprint},
        }
        for t in catalogue.types.values()
    ]
    async with conn.transaction():
        changed = await conn.fetch(UPSERT, json.dumps(rows))
        if changed and await conn.fetchval("SELECT exists(SELECT 1 FROM measures)"):
            await refresh_derived(conn)
    return len(changed)


async def refresh_derived(conn: asyncpg.Connection, municipality: str | None = None) -> None:
    """Rebuild measures' derived values (area, Feature text) in this transaction."""
    await conn.execute("SET LOCAL klimawerk.refresh = 'on'")
    await conn.execute(REFRESH, municipality)
    await conn.execute("SET LOCAL klimawerk.refresh = 'off'")
