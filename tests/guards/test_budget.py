"""Budgets as token buckets, the cost estimate and the key-role cache, without a server."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.errors import InvalidParameter
from app.guards.budget import Buckets, Rate
from app.guards.cost import cost_of, filter_weight
from app.guards.key_roles import KeyRoles
from app.http.query import Query

NO_QUERY = Query.parse(b"")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_its_burst_through_then_refills_at_its_rate() -> None:
    clock = Clock()
    buckets = Buckets({"cheap": Rate(per_second=2, burst=3)}, clock=clock)
    allowed = []
    for _ in range(4):
        allowed.append(buckets.wait("a", "cheap") is None)
        if allowed[-1]:
            buckets.spend("a", "cheap", 1)
    assert allowed == [True, True, True, False]
    assert buckets.wait("b", "cheap") is None  # another caller, another bucket
    clock.now += 0.5  # one unit back at 2 per second
    assert buckets.wait("a", "cheap") is None


def test_weights_spend_more_and_refunds_give_back() -> None:
    clock = Clock()
    buckets = Buckets({"heavy": Rate(per_second=1, burst=10)}, clock=clock)
    buckets.spend("a", "heavy", 9)
    assert buckets.wait("a", "heavy", 1) is None
    assert buckets.wait("a", "heavy", 3) == 2
    buckets.refund("a", "heavy", 9)  # a 304 or a cache answer
    assert buckets.wait("a", "heavy", 10) is None


def test_a_request_bigger_than_the_burst_passes_on_a_full_bucket_only() -> None:
    clock = Clock()
    buckets = Buckets({"heavy": Rate(per_second=1, burst=5)}, clock=clock)
    assert buckets.wait("a", "heavy", 50) is None
    buckets.spend("a", "heavy", 50)
    assert buckets.wait("a", "heavy", 1) == 46


HEAVY_PAGE = 1000


@pytest.mark.parametrize(
    ("method", "path", "query", "kind"),
    [
        ("GET", "/static/map/map.js", b"", "free"),
        ("GET", "/static/vendor/leaflet/images/layers.png", b"", "free"),
        ("GET", "/health", b"", "free"),
        ("GET", "/collections/measures/items/0b0e0c3c-0000-4000-8000-000000000000", b"", "cheap"),
        ("GET", "/me", b"", "cheap"),
        ("GET", "/collections", b"", "cheap"),
        ("GET", "/collections/measures/tiles/WebMercatorQuad/14/8500/5400", b"", "cheap"),
        ("GET", "/collections/measures/tiles/WebMercatorQuad/9/265/168", b"", "heavy"),
        ("GET", "/collections/measures/items", b"limit=100", "cheap"),
        ("GET", "/collections/measures/items", b"limit=5000", "heavy"),
        ("GET", "/collections/measures/items", b"f=csv", "heavy"),
        ("GET", "/collections/measures/items", b"filter=type%3D%27swale%27", "cheap"),
        ("GET", "/statistics", b"", "cheap"),
        ("GET", "/statistics", b"type=swale", "heavy"),
        ("POST", "/impact", b"", "cheap"),
    ],
)
def test_requests_are_classed_by_what_they_cost(
    method: str, path: str, query: bytes, kind: str
) -> None:
    assert cost_of(method, path, Query.parse(query), 500, HEAVY_PAGE).kind == kind


@pytest.mark.parametrize(
    "limit",
    ["", "-5000", "+5000", " 5000", "5_000", "5000²", "٣٠٠٠", "5" * 5000, "5000&limit=1"],
)
def test_hostile_limits_are_refused_as_the_handler_refuses_them(limit: str) -> None:
    query = Query.parse(f"limit={limit}".encode())
    with pytest.raises(InvalidParameter):
        cost_of("GET", "/collections/measures/items", query, None, 1000)


def test_spatial_filters_weigh_by_operator_and_vertices() -> None:
    ring = ",".join(f"{7 + i / 1000} {51.5 + (i % 2) / 100}" for i in range(1000))
    polygon = f"POLYGON(({ring},7 51.5))"
    assert filter_weight(b"type='swale'") == 0
    intersects = filter_weight(f"S_INTERSECTS(geometry,{polygon})".encode())
    touches = filter_weight(quote(f"s_touches(geometry,{polygon})").encode())
    assert 1.9 < intersects < touches <= 10
    # A small literal runs from the index: cheap, whatever the operator.
    assert filter_weight(b"S_INTERSECTS(geometry,POINT(7 51))") == 0
    assert filter_weight(b"S_TOUCHES(geometry,POLYGON((7 51,7.1 51,7.1 51.1,7 51)))") == 0


@pytest.mark.parametrize("length", ["", "-1", "1e9", "٣٠٠", "9" * 5000, "12 34", "²"])
def test_hostile_content_lengths_count_as_small_bodies(length: str) -> None:
    from app.guards.rate_limit import _content_length

    scope = {"headers": [(b"content-length", length.encode())]}
    assert _content_length(scope) is None or _content_length(scope) == int(length)


def test_no_request_weighs_more_than_ten_units() -> None:
    page = cost_of("GET", "/collections/measures/items", Query.parse(b"limit=10000"), None, 1000)
    # A big page is charged one unit up front, the rest by the bytes it sends.
    assert page.kind == "heavy" and page.weight == 1
    assert cost_of("POST", "/impact", NO_QUERY, 50_000_000, 1000).weight == 10


def test_big_bodies_are_heavy() -> None:
    assert cost_of("POST", "/impact", NO_QUERY, 300_000, 1000).kind == "heavy"
    assert cost_of("PUT", "/collections/measures/items/x", NO_QUERY, 300_000, 1000).kind == "heavy"
    assert cost_of("POST", "/collections/measures/items", NO_QUERY, 2_000, 1000).kind == "cheap"


async def test_key_roles_ask_the_store_once_per_ttl() -> None:
    asked: list[str] = []
    clock = Clock()

    async def lookup(digest: str) -> str | None:
        asked.append(digest)
        return "partner" if digest == "good" else None

    roles = KeyRoles(lookup, ttl_s=10, clock=clock)
    assert await roles.role("good") == "partner"
    assert await roles.role("good") == "partner"
    assert await roles.role("bad") is None
    assert asked == ["good", "bad"]
    clock.now += 10  # a revocation is seen at the latest after ttl_s
    await roles.role("good")
    assert asked == ["good", "bad", "good"]
