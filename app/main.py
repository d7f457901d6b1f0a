"""The application factory: wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api import (
    assets,
    collections,
    health,
    impact,
    items,
    kommunen,
    landing,
    map,
    me,
    measure_check,
    measure_types,
    messages,
    metrics,
    pages,
    statistics,
    suggestions,
    tiles,
    transactions,
)
from app.api.body import BodyLimit
from app.api.deps import KnownMunicipalities
from app.api.keyed_responses import KeyedResponses
from app.api.request_id import RequestId
from app.api.security_headers import SecurityHeaders
from app.config import Settings, get_settings
from app.db.routing import ReplicaFallback, open_databases
from app.db.session import create_pool
from app.errors import install_error_handlers
from app.guards.budget import Rate
from app.guards.deadline import DeadlineMiddleware
from app.guards.key_roles import KeyRoles, key_store
from app.guards.rate_limit import RateLimitMiddleware, mark_cached
from app.guards.reserve import AnonymousShare
from app.guards.shared_budget import SharedBuckets
from app.guards.slots import Slots, SlotsMiddleware
from app.observability.middleware import Observe
from app.ogc.openapi import install_openapi
from app.services.export_files import ExportDisk
from app.services.worker_processes import WorkerProcesses
from app.sql.response_cache import ResponseCache

# What the worker processes run (exports, big HTML pages, big /impact bodies), imported
# as they start.
WORKER_MODULES = ("app.services.export_files", "app.api.html", "app.api.impact")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app; the pool opens at start-up, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(settings)
        app.state.databases = await open_databases(settings, app.state.pool)
        app.state.databases.start_watching()
        app.state.worker_processes.warm(WORKER_MODULES)
        app.state.buckets.start(lambda: app.state.pool)
        try:
            yield
        finally:
            await app.state.buckets.stop()
            app.state.worker_processes.close()
            await app.state.databases.close()
            await app.state.pool.close()

    app = FastAPI(
        title="Klima.Werk measure registry",
        version="0.1.0",
        description="Sponge-city measures of the Emscher-Lippe region as OGC API - Features.",
        openapi_url="/api",
        # /docs is our own page (app/api/pages.py): Swagger UI from the app's static
        # files, where FastAPI's would load it from a CDN.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.known_municipalities = KnownMunicipalities()
    app.state.response_cache = ResponseCache(
        int(settings.response_cache_mb * 1024 * 1024), on_hit=mark_cached
    )
    app.add_middleware(ReplicaFallback)
    # gzip for clients that ask (JSON, GeoJSON, tiles, CSV; images are left alone). Added
    # first, so it wraps only the handlers: streamed exports are flushed chunk by chunk,
    # ETags and 304s are those of the plain representation (Vary: Accept-Encoding).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    slots = Slots(
        {
            "export": settings.export_concurrency,
            "heavy": settings.heavy_concurrency,
            "tile": settings.tile_concurrency,
        },
        waits={"tile": settings.tile_slot_wait_s},
    )
    app.state.slots = slots  # the metrics read their occupancy
    app.state.buckets = SharedBuckets(
        {
            "cheap": Rate(settings.cheap_budget_per_s, settings.cheap_budget_burst),
            "heavy": Rate(settings.heavy_budget_per_s, settings.heavy_budget_burst),
        },
        interval_s=settings.budget_sync_s,
    )
    app.state.key_roles = KeyRoles(key_store(app.state), ttl_s=settings.key_cache_s)
    app.state.worker_processes = WorkerProcesses(
        settings.worker_processes, reserved=settings.keyed_export_reserve
    )
    app.state.export_disk = ExportDisk(
        int(settings.export_disk_mb * 1024 * 1024),
        stall_s=settings.client_stall_timeout_s,
        deadline_s=settings.export_download_timeout_s,
    )
    install_error_handlers(app)
    # The last added runs first: a caller over its rate, or heavy work beyond the slots,
    # costs nothing more. These run inside BodyLimit, RequestId and SecurityHeaders
    # (added below), so that a 429 or 503 they answer carries the id and the headers.
    app.add_middleware(DeadlineMiddleware, seconds=settings.request_timeout_s)
    app.add_middleware(SlotsMiddleware, slots=slots, heavy_page_size=settings.heavy_page_size)
    app.add_middleware(
        RateLimitMiddleware,
        buckets=app.state.buckets,
        key_roles=app.state.key_roles,
        share=AnonymousShare(
            {
                "heavy": settings.anonymous_heavy_concurrency,
                "export": max(1, settings.export_concurrency - settings.keyed_export_reserve),
            }
        ),
        heavy_page_size=settings.heavy_page_size,
        address_budgets=settings.address_budgets,
    )
    install_openapi(app)
    routers = (
        landing,
        health,
        metrics,
        collections,
        items,
        suggestions,
        transactions,
        tiles,
        measure_check,
        measure_types,
        messages,
        statistics,
        impact,
        me,
        map,
        kommunen,
        pages,
    )
    for module in routers:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=map.STATIC_DIR), name="static")
    app.mount(assets.PREFIX, assets.HashedStaticFiles(map.STATIC_DIR), name="assets")
    # Outermost last: every response, a 413 or a 500 included, gets an id and the headers.
    app.add_middleware(BodyLimit)
    app.add_middleware(KeyedResponses)
    app.add_middleware(RequestId)
    app.add_middleware(SecurityHeaders, settings=settings)
    # Counts and logs each request once its response has ended.
    app.add_middleware(
        Observe, access_log=settings.access_log, client_mode=settings.access_log_client
    )
    # Outside everything: the client as the trusted proxies name it, for the budgets and
    # the access log alike (uvicorn does the same in `klimawerk serve`; applying it twice
    # changes nothing).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxy_hosts)
    return app
