"""Settings of the registry, read from the environment (and a `.env` file)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_PORT = 54320
# The map's default base map. OpenStreetMap's tile policy allows light use with this
# attribution; a municipal deployment points BASEMAP_URL at basemap.de or its own server.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
EMBEDDED_DATABASE = "klimawerk"


def embedded_url(port: int = EMBEDDED_PORT, database: str = EMBEDDED_DATABASE) -> str:
    """The URL of the project-local cluster under `.data/`."""
    return f"postgresql://postgres@127.0.0.1:{port}/{database}"


class Settings(BaseSettings):
    """Everything the app and the CLI read from the environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="postgresql://… of an existing PostGIS; unset means the embedded cluster",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    basemap_url: str = Field(
        default=OSM_TILES,
        description="XYZ tile URL of the map's base map; empty: no base map",
    )
    basemap_attribution: str = Field(
        default=OSM_ATTRIBUTION, description="attribution HTML shown with the base map"
    )
    data_dir: Path = PROJECT_ROOT / ".data"
    embedded_port: int = Field(
        default=EMBEDDED_PORT, description="port of the embedded cluster (never 5432)"
    )
    pool_min_size: int = 2
    pool_max_size: int = 10
    database_replica_urls: str = Field(
        default="", description="comma-separated postgresql://… of read-only replicas"
    )
    replica_max_lag_s: float = Field(
        default=5.0, description="a replica further behind the primary serves no reads"
    )
    response_cache_mb: float = Field(
        default=64.0, description="bytes of tiles and statistics each process keeps, in MB"
    )
    http_max_age_s: int = Field(
        default=60, description="how long shared caches may keep an anonymous response"
    )
    require_if_match: bool = Field(
        default=False,
        description="refuse PUT, PATCH and DELETE without If-Match (428); off by default: "
        "QGIS and OWSLib never send it, and the history keeps every version",
    )

    # Limits that keep the service up under load and abuse (README, "Limits").
    statement_timeout_s: float = Field(
        default=10, gt=0, description="longest database statement of a request"
    )
    export_statement_timeout_s: float = Field(
        default=300, gt=0, description="longest database statement of an export"
    )
    pool_acquire_timeout_s: float = Field(
        default=2, gt=0, description="wait for a free database connection before a 503"
    )
    request_timeout_s: float = Field(
        default=30, gt=0, description="deadline of a request until its response starts"
    )
    export_timeout_s: float = Field(
        default=600, gt=0, description="deadline of an export until its download starts"
    )
    # Budgets per caller (a valid key, else the client address), by cost (ADR 0011).
    cheap_budget_per_s: float = Field(
        default=200, gt=0, description="cheap requests (an item, a tile, metadata) per second"
    )
    cheap_budget_burst: float = Field(
        default=4000, gt=0, description="cheap requests a caller may make at once"
    )
    heavy_budget_per_s: float = Field(
        default=10, gt=0, description="heavy units (about a database second each) per second"
    )
    heavy_budget_burst: float = Field(
        default=120, gt=0, description="heavy units a caller may spend at once"
    )
    address_budgets: bool = Field(
        default=True,
        description="budgets for callers without a valid key, per address; false only "
        "for benchmarks from one address",
    )
    # The round-2 setting: `RATE_LIMIT=""` switched the per-address limit off, and the
    # shared peer benchmark still says so; any other value is ignored (the budgets rule).
    rate_limit: str | None = Field(
        default=None, description="deprecated; an empty value means ADDRESS_BUDGETS=false"
    )
    budget_sync_s: float = Field(
        default=0.25,
        ge=0,
        description="how often each process adds its spending to the budgets shared in "
        "the database; 0: budgets per process",
    )
    anonymous_heavy_concurrency: int = Field(
        default=2, ge=1, description="heavy anonymous requests a worker serves at once"
    )
    keyed_export_reserve: int = Field(
        default=1, ge=0, description="export slots of a worker that only keyed callers get"
    )
    key_cache_s: float = Field(
        default=10, ge=0, description="how long a key's role is remembered for its budget"
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="comma-separated addresses (or *) whose X-Forwarded-For names the client",
    )
    export_concurrency: int = Field(
        default=2, ge=1, description="exports a worker prepares at once; more get a 503"
    )
    heavy_concurrency: int = Field(
        default=2, ge=1, description="pages over HEAVY_PAGE_SIZE a worker serves at once"
    )
    tile_concurrency: int = Field(
        default=4, ge=1, description="cluster tiles (zoom < 12) a worker makes at once"
    )
    tile_slot_wait_s: float = Field(
        default=2, ge=0, description="how long a cluster tile may wait for a slot"
    )
    worker_processes: int = Field(
        default=2, ge=1, description="processes per worker for exports and big HTML pages"
    )
    heavy_page_size: int = Field(
        default=1000, ge=1, description="a page with a larger limit counts as heavy"
    )
    # Slow clients and what they leave behind (issue 24, ADR 0013).
    export_disk_mb: float = Field(
        default=256,
        gt=0,
        description="MB of prepared export files a worker keeps for downloads at once; "
        "an export beyond it gets a 503 with Retry-After",
    )
    client_stall_timeout_s: float = Field(
        default=30,
        gt=0,
        description="a client that reads nothing of a response for this long is dropped "
        "(an export's file is removed)",
    )
    export_download_timeout_s: float = Field(
        default=3600, gt=0, description="the longest a download may take; then it is dropped"
    )
    header_timeout_s: float = Field(
        default=10,
        gt=0,
        description="a connection must send a request's headers within this (klimawerk serve)",
    )
    body_timeout_s: float = Field(
        default=30,
        gt=0,
        description="a request body must keep arriving: no gap longer than this",
    )

    # Operations (README, "Operations"): metrics, access log, backups.
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="serve /metrics on this port of its own (no key); unset: on the API "
        "port for admin keys only",
    )
    access_log: bool = Field(default=True, description="one JSON line per request on stdout")
    access_log_client: Literal["full", "truncated", "none"] = Field(
        default="truncated",
        description="client addresses in the access log: full, truncated (IPv4 /24, "
        "IPv6 /48) or none",
    )
    wal_archive_dir: Path | None = Field(
        default=None,
        description="where the replicated topology archives WAL and base backups "
        "(default .data/wal-archive)",
    )
    backup_retention: int = Field(
        default=7, ge=1, description="base backups (with their WAL) the archive keeps"
    )

    @model_validator(mode="after")
    def _round_2_rate_limit(self) -> Settings:
        if self.rate_limit is not None and not self.rate_limit.strip():
            self.address_budgets = False
        return self

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _plain_port(cls, value: object) -> object:
        """Empty means unset (a blank line in .env); otherwise ASCII digits only, since
        int() would also take "٣" or "9_464"."""
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if not re.fullmatch(r"[0-9]{1,5}", text):
                raise ValueError("a port number from 1 to 65535 in digits 0-9")
            return int(text)
        return value

    @property
    def proxy_hosts(self) -> list[str]:
        """The addresses of TRUSTED_PROXIES, as uvicorn's `forwarded_allow_ips` takes them."""
        return [h.strip() for h in self.trusted_proxies.split(",") if h.strip()]

    @property
    def replica_urls(self) -> list[str]:
        """The replica URLs of DATABASE_REPLICA_URLS."""
        return [u.strip() for u in self.database_replica_urls.split(",") if u.strip()]

    @property
    def uses_embedded_cluster(self) -> bool:
        """True when no DATABASE_URL is set and the project-local cluster is used."""
        return not self.database_url

    def dsn_of(self, database: str) -> str:
        """The configured server's URL with another database name."""
        parts = urlsplit(self.dsn)
        return urlunsplit(parts._replace(path=f"/{database}"))

    @property
    def dsn(self) -> str:
        """The libpq URL the app connects to."""
        url = self.database_url or embedded_url(self.embedded_port)
        # SQLAlchemy-style driver suffixes are accepted for convenience.
        for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql://" + url[len(prefix) :]
        return url


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache to override them."""
    return Settings()
