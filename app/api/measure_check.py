"""`POST /collections/measures/check`: would this write be stored? A dry run.

The map asks it while a partner draws and edits, so that a shape outside the region's
real boundaries, or outside the key's municipalities, is warned before saving. It runs
the very sequence of a write (`services/measure_changes`) in a transaction that is
always rolled back: the rules live in one place, and nothing is stored.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.body import read_json
from app.api.deps import CallerDep, PoolDep
from app.api.render import json_response
from app.db.session import connection
from app.domain import access
from app.errors import NotFound, Unauthorized
from app.ogc import params
from app.ogc.openapi import feature_body, responses
from app.services import measure_changes
from app.sql import measure_writes, municipalities

router = APIRouter(tags=["transactions"])


class _DryRun(Exception):
    """Leaves the transaction (rolling it back) with what would have been stored."""

    def __init__(self, feature: bytes) -> None:
        super().__init__("dry run")
        self.feature = feature


@router.post(
    "/collections/measures/check",
    summary="Check a measure as a write would, storing nothing",
    responses=responses(200, problems=(400, 401, 403, 404, 413, 422)),
    openapi_extra=feature_body(("application/geo+json", "application/json"), headers=()),
)
async def check_measure(request: Request, pool: PoolDep, caller: CallerDep) -> Response:
    """The municipality (with its name) and area the measure would get, or the problems
    a POST (or, with `?measure=ID`, a PATCH of that measure) would answer: every
    validation problem at once (422), or a municipality the key may not write in (403)."""
    if not access.identified(caller):
        raise Unauthorized(
            "creating and changing measures needs an API key", code="access.needs_key"
        )
    params.check_unknown(dict(request.query_params), frozenset({"measure", "lang"}))
    raw_id = request.query_params.get("measure")
    key = params.parse_uuid(raw_id) if raw_id is not None else None
    doc = await read_json(request)
    async with connection(pool) as conn:
        try:
            async with conn.transaction():
                if key is None:
                    stored = await measure_changes.create(conn, caller, doc)
                else:
                    current = await measure_writes.select_for_change(conn, key)
                    if current is None:
                        raise NotFound(
                            f"no measure {raw_id}", code="measure.not_found", params={"id": raw_id}
                        )
                    stored = await measure_changes.change(
                        conn, caller, key, current["version"], doc, replace=False
                    )
                raise _DryRun(stored.feature)
        except _DryRun as dry:
            properties = orjson.loads(dry.feature)["properties"]
        name = await municipalities.select_name(conn, properties["municipality"])
    return json_response(
        {
            "valid": True,
            "municipality": properties["municipality"],
            "municipality_name": name,
            "area_m2": properties["area_m2"],
        }
    )
