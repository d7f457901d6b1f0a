"""`/metrics`: the Prometheus text format, for admin keys (or on a port of its own,
METRICS_PORT, where `klimawerk serve` serves it without a key and the API answers 404)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import CallerDep
from app.db.session import connection
from app.domain import access
from app.errors import Forbidden, NotFound, Unauthorized
from app.observability import metrics
from app.ogc.openapi import responses

router = APIRouter(tags=["service"])

COUNT_TIMEOUT_S = 2.0


async def measure_counts(request: Request) -> metrics.MeasureCounts | None:
    """Measures by review state and history rows from the primary; None when it does not
    answer in time (the process metrics are still worth scraping then)."""
    try:
        async with asyncio.timeout(COUNT_TIMEOUT_S):
            async with connection(request.app.state.pool) as conn:
                rows = await conn.fetch(
                    "SELECT review_state, count(*) AS n FROM measures GROUP BY review_state"
                )
                history = await conn.fetchval("SELECT count(*) FROM measure_history")
    except Exception:  # any failure only leaves these two gauges out
        return None
    return metrics.MeasureCounts({r["review_state"]: r["n"] for r in rows}, history)


@router.get(
    "/metrics",
    summary="Prometheus metrics (admin keys)",
    responses=responses(200, "text/plain", problems=(401, 403, 404)),
    include_in_schema=False,
)
async def get_metrics(request: Request, caller: CallerDep) -> Response:
    """Request counts, latencies, refusals, slots, pools, caches and replica lag of every
    worker process."""
    if request.app.state.settings.metrics_port:
        raise NotFound("metrics are served on a port of their own (METRICS_PORT)")
    if caller.role == "anonymous":
        raise Unauthorized("metrics need an admin key")
    if not access.may_operate(caller):
        raise Forbidden("metrics are for admin keys")
    metrics.sample_state(request.app.state)
    body = metrics.exposition(await measure_counts(request))
    return Response(body, media_type=metrics.CONTENT_TYPE, headers={"Cache-Control": "no-store"})
