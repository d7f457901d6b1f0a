"""What a request will cost, estimated from its method, path, query and body size alone.

The estimate is made before routing, parsing or the database, so that a caller out of
budget costs nothing more. Three classes (ADR 0011):

- `free`: static files and health checks: never counted (a map load fetches two dozen);
- `cheap`: a single item, metadata, `/me`, a tile at full detail: drawn from the cheap
  budget, one unit each;
- `heavy`: exports, big pages, cluster tiles, statistics with filters, filters with
  spatial operators or long literals, big bodies for `/impact` and writes: drawn from
  the heavy budget with a weight that grows with the work.

Whether a response came from a cache or was a 304 is known only afterwards: the rate
limit charges when the response starts (`app/guards/rate_limit.py`), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.guards.slots import heavy_kind
from app.http.query import Query

ITEMS = "/collections/measures/items"
STATISTICS = "/statistics"
IMPACT = "/impact"
FREE_PREFIXES = ("/static/", "/assets/", "/health")
WRITES = ("POST", "PUT", "PATCH")

# Spatial operators the database answers from the index alone (a bounding-box test
# plus one exact test per candidate) against those that compare whole boundaries.
CHEAP_SPATIAL = ("S_INTERSECTS", "S_WITHIN", "S_CONTAINS")
COSTLY_SPATIAL = ("S_TOUCHES", "S_CROSSES", "S_OVERLAPS", "S_DISJOINT", "S_EQUALS")
SPATIAL = re.compile(rb"\bS_[A-Z]+\b", re.IGNORECASE)
# Commas separate the vertices of a literal (WKT or GeoJSON alike): counting them in the
# raw query string weighs a literal in microseconds, without decoding or parsing it
# (the items endpoint parses it anyway, once the request is admitted).
COMMAS = (b",", b"%2C", b"%2c")

# Weights on the heavy budget (one unit is about one second of one database core).
EXPORT_WEIGHT = 10.0
CLUSTER_TILE_WEIGHT = 0.25
FILTERED_STATISTICS_WEIGHT = 1.0
# A filter lighter than this is cheap; no single request weighs more than MAX_WEIGHT
# (the biggest valid page, 10,000 features, weighs 10; an export 10).
HEAVY_THRESHOLD = 0.5
MAX_WEIGHT = 10.0
COSTLY_OPERATOR_FACTOR = 3.0
VERTICES_PER_UNIT = 500
# Bodies up to this size validate in a few milliseconds; bigger ones weigh by size
# (10,000 vertices are about 300 kB and take about 0.2 s to validate).
SMALL_BODY_BYTES = 64 * 1024
BODY_BYTES_PER_UNIT = 200 * 1024
# A page of 10,000 features is about 5 MB and takes the database about a second.
PAGE_BYTES_PER_UNIT = 1024 * 1024


@dataclass(frozen=True)
class Cost:
    """The class of a request (`free`, `cheap`, `heavy`) and its weight on that budget."""

    kind: str
    weight: float = 1.0
    why: str = ""


FREE = Cost("free", 0.0)
CHEAP = Cost("cheap", 1.0)


def filter_weight(raw: bytes) -> float:
    """The heavy weight of a CQL2 filter as sent (percent-encoded or not); below
    `HEAVY_THRESHOLD` it counts as cheap.

    The database compares every candidate with every vertex of a literal, and
    operators that compare whole boundaries (touches, crosses, …) use the index least:
    the weight grows with both. A property filter or a small polygon runs from an index.
    """
    operators = {op.upper().decode() for op in SPATIAL.findall(raw)}
    vertices = sum(raw.count(comma) for comma in COMMAS)
    weight = vertices / VERTICES_PER_UNIT
    if operators & set(COSTLY_SPATIAL) or not operators <= set(CHEAP_SPATIAL):
        weight *= COSTLY_OPERATOR_FACTOR
    return min(weight, MAX_WEIGHT) if weight >= HEAVY_THRESHOLD else 0.0


def body_weight(content_length: int | None) -> float:
    """The heavy weight of validating a body, 0 for a small one."""
    if content_length is None or content_length <= SMALL_BODY_BYTES:
        return 0.0
    return min(1.0 + content_length / BODY_BYTES_PER_UNIT, MAX_WEIGHT)


def cost_of(
    method: str,
    path: str,
    query: Query,
    content_length: int | None,
    heavy_page_size: int,
) -> Cost:
    """The estimated cost of a request, read from the one parse of its query that the
    handler reads too; a spelling the handler refuses raises its 400 here."""
    if path.startswith(FREE_PREFIXES) or method in ("OPTIONS",):
        return FREE
    if method in WRITES:
        weight = body_weight(content_length)
        return Cost("heavy", weight, "big body") if weight else CHEAP
    kind = heavy_kind(path, query, heavy_page_size)
    if kind == "export":
        return Cost("heavy", EXPORT_WEIGHT, "export")
    if kind == "tile":
        return Cost("heavy", CLUSTER_TILE_WEIGHT, "cluster tile")
    raw_filter = query.get("filter")
    weight = filter_weight(raw_filter.encode()) if raw_filter else 0.0
    if kind == "heavy":
        # A big limit often matches a few features: the page is charged one unit now
        # and the rest by the bytes it sends (`PAGE_BYTES_PER_UNIT`).
        return Cost("heavy", min(1.0 + weight, MAX_WEIGHT), "big page")
    if weight:
        return Cost("heavy", weight, "costly filter")
    if path == STATISTICS and query.names() - {"f", "lang"}:
        return Cost("heavy", FILTERED_STATISTICS_WEIGHT, "filtered statistics")
    return CHEAP
