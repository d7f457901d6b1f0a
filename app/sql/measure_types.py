"""SQL for the measure-type catalogue table, which mirrors `app/domain/measure_types.json`."""

from __future__ import annotations

import json

import asyncpg

from app.domain.catalogue import Catalogue

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
"""


async def sync_catalogue(conn: asyncpg.Connection, catalogue: Catalogue) -> int:
    """Write the catalogue file into the table; returns the number of types."""
    rows = [
        {
            "id": t.id,
            "label_de": t.label_de,
            "label_en": t.label_en,
            "geometry_types": list(t.geometry_types),
            "line_width_m": t.line_width_m,
            "drains_catchment": t.drains_catchment,
            "details": t.as_json(),
        }
        for t in catalogue.types.values()
    ]
    await conn.execute(UPSERT, json.dumps(rows))
    return len(rows)
