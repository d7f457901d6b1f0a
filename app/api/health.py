"""`/health`, `/health/live` and `/health/ready`: what an orchestrator and an operator ask.

Anonymous callers learn whether the service is fit, never where its databases are; the
document with databases, lag and versions is for admin keys (`access.may_operate`).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

import asyncpg
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import CallerDep
from app.api.render import json_response
from app.config import PROJECT_ROOT
from app.db.routing import public_url
from app.db.session import connection
from app.domain import access
from app.errors import AppError, Unavailable, problem_response
from app.ogc.links import JSON
from app.ogc.openapi import responses

router = APIRouter(tags=["service"])
log = logging.getLogger("klimawerk")

# An orchestrator probes every few seconds; a probe that hangs is an answer too late.
READY_TIMEOUT_S = 3.0
NO_STORE = {"Cache-Control": "no-store"}
PRIMARY_CHECK = (
    "SELECT postgis_lib_version() AS postgis, pg_is_in_recovery() AS standby,"
    " current_setting('server_version') AS postgres,"
    " (SELECT count(*) FROM municipalities) AS municipalities,"
    " (SELECT string_agg(version_num, ',') FROM alembic_version) AS migration"
)


@lru_cache
def expected_migration() -> str:
    """The newest Alembic revision this code was written for."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    return ",".join(sorted(script.get_heads()))


def _declared(description: str) -> dict[int | str, dict]:
    declared = responses(problems=(503,))
    declared[503]["description"] = description
    declared[503]["content"][JSON] = {}
    return declared


async def _primary(request: Request) -> asyncpg.Record:
    async with asyncio.timeout(READY_TIMEOUT_S):
        async with connection(request.app.state.pool) as conn:
            return await conn.fetchrow(PRIMARY_CHECK)


def _problems(row: asyncpg.Record) -> list[str]:
    problems = []
    if row["standby"]:
        problems.append("the primary database is in recovery (read-only)")
    if not row["municipalities"]:
        # Without boundaries no measure can be placed or stored: not fit for traffic.
        problems.append("no municipality boundaries loaded (run `klimawerk load boundaries`)")
    if row["migration"] != expected_migration():
        problems.append(
            f"the schema is at migration {row['migration']}, this version needs "
            f"{expected_migration()} (run `klimawerk db migrate`)"
        )
    return problems


def _databases(request: Request, row: asyncpg.Record | None, detailed: bool) -> list[dict]:
    databases = getattr(request.app.state, "databases", None)
    primary_url = databases.primary_url if databases else public_url(request.app.state.settings.dsn)
    listed: list[dict[str, Any]] = [
        {
            "url": primary_url,
            "use": "primary",
            "role": None if row is None else ("replica" if row["standby"] else "primary"),
            "state": "down" if row is None else "ok",
            "lag_s": 0.0,
        }
    ]
    if databases is not None:  # as the last check (each second) found them
        listed += databases.describe()
    if not detailed:
        # Hosts, users and database names (and errors naming them) are for admins.
        listed = [{k: v for k, v in d.items() if k not in ("url", "error")} for d in listed]
    return listed


@router.get("/health/live", summary="Liveness probe", responses=responses())
async def get_live() -> Response:
    """200 while the process serves requests; asks no database (a restart would not help
    a database that is down)."""
    return json_response({"status": "ok"}, headers=NO_STORE)


@router.get(
    "/health/ready",
    summary="Readiness probe",
    responses=_declared("not ready: the primary does not answer, lacks boundaries or the schema"),
)
async def get_ready(request: Request, caller: CallerDep) -> Response:
    """200 when the primary answers with PostGIS, boundaries and the current migration;
    503 otherwise. A lagging or lost replica only leaves the reads (it is listed, not a
    reason). Admin keys get databases, lag and versions."""
    detailed = access.may_operate(caller)
    try:
        row = await _primary(request)
    except (AppError, TimeoutError, OSError, asyncpg.PostgresError) as exc:
        log.warning("not ready: the primary does not answer (%s)", exc)
        row, problems = None, ["the primary database does not answer"]
    else:
        problems = _problems(row)
    body: dict[str, Any] = {"status": "not ready" if problems else "ready"}
    if problems and not detailed:
        error = Unavailable("the service is not ready: " + "; ".join(problems), retry_after=5)
        response = problem_response(error, request.url.path)
        response.headers["Cache-Control"] = "no-store"
        return response
    if detailed:
        body |= {"problems": problems, "version": request.app.version}
        if row is not None:
            body |= {
                "postgres": row["postgres"],
                "postgis": row["postgis"],
                "municipalities": row["municipalities"],
                "migration": row["migration"],
            }
        body["expected_migration"] = expected_migration()
        body["databases"] = _databases(request, row, detailed=True)
    response = json_response(body, headers=NO_STORE)
    response.status_code = 503 if problems else 200
    return response


def _health_responses() -> dict[int | str, dict]:
    return _declared("degraded (the body says what is missing) or no database")


@router.get("/health", summary="Health check", responses=_health_responses())
async def get_health(request: Request, caller: CallerDep) -> Response:
    """200 when the primary answers with PostGIS and boundaries (`degraded` when a replica
    is down or lagging); 503 with details without boundaries or when the primary does not
    answer. Lists every database; their URLs for admin keys only."""
    # The primary, never a replica: health speaks for the database that takes writes.
    async with connection(request.app.state.pool) as conn:
        row = await conn.fetchrow(PRIMARY_CHECK)
    problems = []
    if not row["municipalities"]:
        problems.append("no municipality boundaries loaded (run `klimawerk load boundaries`)")
    listed = _databases(request, row, detailed=access.may_operate(caller))
    degraded = bool(problems) or any(d["state"] != "ok" for d in listed)
    body: dict[str, Any] = {
        "status": "degraded" if degraded else "ok",
        "database": "ok",
        "postgis": row["postgis"],
        "municipalities": row["municipalities"],
        "databases": listed,
    }
    if problems:
        body["problems"] = problems
    response = json_response(body, headers=NO_STORE)
    response.status_code = 503 if problems else 200
    return response
