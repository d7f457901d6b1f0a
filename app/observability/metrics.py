"""Prometheus metrics of the API, summed over worker processes.

`klimawerk serve` points PROMETHEUS_MULTIPROC_DIR at an empty directory before the
workers start; each process then writes its samples there and a scrape of any worker
adds them up (prometheus-client's multiprocess mode). Without the variable (tests,
`uvicorn` run by hand) the metrics are those of the one process.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# From a cached tile (a few ms) to an export being prepared (tens of seconds).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

REQUESTS = Counter(
    "klimawerk_http_requests",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "klimawerk_http_request_duration_seconds",
    "time from the request to the end of its response, by route template and method",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSE_BYTES = Counter(
    "klimawerk_http_response_bytes", "response body bytes sent, by route template", ["route"]
)
REFUSALS = Counter(
    "klimawerk_refusals",
    "requests a guard turned away, by reason (rate_limit, slots, deadline, body_limit, "
    "pool, statement_timeout) and route template",
    ["reason", "route"],
)
EXPORT_BYTES = Counter(
    "klimawerk_export_bytes", "bytes of export downloads (attachments) sent", ["route"]
)
MEASURE_WRITES = Counter(
    "klimawerk_measure_writes",
    "measures created, changed or deleted through the API, by method",
    ["method"],
)
CACHE_LOOKUPS = Counter(
    "klimawerk_response_cache_lookups",
    "response-cache lookups (tiles, statistics) by result: hit or miss",
    ["result"],
)
CACHE_BYTES = Gauge(
    "klimawerk_response_cache_bytes",
    "bytes held by the response caches of the live processes",
    multiprocess_mode="livesum",
)
SLOTS_BUSY = Gauge(
    "klimawerk_slots_busy",
    "slots in use by kind (export, heavy, tile), summed over live processes",
    ["kind"],
    multiprocess_mode="livesum",
)
SLOTS_SIZE = Gauge(
    "klimawerk_slots_size",
    "slots there are by kind, summed over live processes",
    ["kind"],
    multiprocess_mode="livesum",
)
POOL_CONNECTIONS = Gauge(
    "klimawerk_pool_connections",
    "connections of the primary pools by state (busy, idle), summed over live processes",
    ["state"],
    multiprocess_mode="livesum",
)
POOL_MAX = Gauge(
    "klimawerk_pool_max_connections",
    "most connections the primary pools may open, summed over live processes",
    multiprocess_mode="livesum",
)
REPLICA_LAG = Gauge(
    "klimawerk_replica_lag_seconds",
    "replay lag of each replica as the last check (each second) found it; -1: unreachable",
    ["replica"],
    multiprocess_mode="livemax",
)
REPLICA_SERVING = Gauge(
    "klimawerk_replica_serving",
    "1 while a replica serves reads, 0 while it is left out (down or lagging)",
    ["replica"],
    multiprocess_mode="livemin",
)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WRITE_ROUTE_PREFIX = "/collections/measures/items"


def record_request(
    route: str,
    method: str,
    status: int,
    seconds: float,
    sent: int,
    refusal: str | None,
    attachment: bool,
) -> None:
    """Count one answered request."""
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route, method).observe(seconds)
    RESPONSE_BYTES.labels(route).inc(sent)
    if refusal:
        REFUSALS.labels(refusal, route).inc()
    if attachment:
        EXPORT_BYTES.labels(route).inc(sent)
    if method in WRITE_METHODS and route.startswith(WRITE_ROUTE_PREFIX) and status < 300:
        MEASURE_WRITES.labels(method).inc()


class CacheCounts:
    """Turns a response cache's running hit/miss totals into counter increments."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0

    def sample(self, cache: Any) -> None:
        """Add what `cache` counted since the last sample."""
        hits, misses = getattr(cache, "hits", 0), getattr(cache, "misses", 0)
        if hits > self.hits:
            CACHE_LOOKUPS.labels("hit").inc(hits - self.hits)
        if misses > self.misses:
            CACHE_LOOKUPS.labels("miss").inc(misses - self.misses)
        self.hits, self.misses = hits, misses
        CACHE_BYTES.set(getattr(cache, "size_bytes", 0))


def sample_state(state: Any, cache_counts: CacheCounts | None = None) -> None:
    """Set the gauges from this process's app state (slots, pool, replicas, cache)."""
    slots = getattr(state, "slots", None)
    if slots is not None:
        for kind, size in slots.sizes.items():
            SLOTS_SIZE.labels(kind).set(size)
            SLOTS_BUSY.labels(kind).set(slots.busy[kind])
    pool = getattr(state, "pool", None)
    if pool is not None and hasattr(pool, "get_size"):
        size, idle = pool.get_size(), pool.get_idle_size()
        POOL_CONNECTIONS.labels("busy").set(size - idle)
        POOL_CONNECTIONS.labels("idle").set(idle)
        POOL_MAX.set(pool.get_max_size())
    databases = getattr(state, "databases", None)
    for replica in databases.replicas if databases is not None else ():
        name = replica_name(replica.url)
        lag = replica.lag_s if replica.state != "down" and replica.lag_s is not None else -1
        REPLICA_LAG.labels(name).set(lag)
        REPLICA_SERVING.labels(name).set(1 if replica.state == "ok" else 0)
    cache = getattr(state, "response_cache", None)
    if cache is not None and cache_counts is not None:
        cache_counts.sample(cache)


def replica_name(url: str) -> str:
    """host:port of a replica URL: a label that names it without user or password."""
    rest = url.split("://", 1)[-1].split("/", 1)[0]
    return rest.rsplit("@", 1)[-1]


class MeasureCounts(Collector):
    """Measures by review state and history rows, read from the primary at scrape time:
    what imports (the CLI's included, which run in processes of their own) added."""

    def __init__(self, counts: dict[str, int], history_rows: int) -> None:
        self.counts = counts
        self.history_rows = history_rows

    def collect(self) -> Any:
        """The two gauges of this scrape."""
        measures = GaugeMetricFamily(
            "klimawerk_measures", "measures stored, by review state", labels=["review_state"]
        )
        for state, count in sorted(self.counts.items()):
            measures.add_metric([state], count)
        yield measures
        yield GaugeMetricFamily(
            "klimawerk_measure_history_rows",
            "rows of measure history (grows with every import and edit)",
            value=self.history_rows,
        )


def exposition(extra: Collector | None = None) -> bytes:
    """The text format of every process's metrics (and `extra`, read now)."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    text = generate_latest(registry)
    if extra is not None:
        own = CollectorRegistry()
        own.register(extra)
        text += generate_latest(own)
    return text
