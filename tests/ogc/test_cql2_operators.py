"""Every CQL2 operator the server declares, checked against a brute-force oracle.

ADR 0004: each filter is evaluated in Python over the fetched rows and the API must
return exactly those ids. The cases are built from the demo data (an existing
completion date, an existing polygon) so that each one matches something; the last
test asserts that together they use every operator in `app.ogc.cql2.OPERATORS`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

import asyncpg
import cql2
import httpx
import pytest
import shapely
from shapely import affinity
from shapely.geometry import LineString, box, mapping

from app.ogc.cql2 import OPERATORS
from tests.ogc.oracle import matched

pytestmark = pytest.mark.usefixtures("demo")

Row = dict[str, Any]
Case = tuple[str, Any, Callable[[Row], bool]]  # id, filter (text or JSON), oracle
WINDOW = box(6.98, 51.42, 7.05, 51.47)
NEVER, EVER = dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)


async def fetch_rows(pool: asyncpg.Pool) -> list[Row]:
    records = await pool.fetch(
        "SELECT id::text, type, title, status, area_m2, cost_eur, completed_on, created_at,"
        " retention_volume_m3, ST_AsBinary(geom) AS wkb FROM measures"
        " WHERE review_state = 'published' AND deleted_at IS NULL ORDER BY id"
    )
    return [{**dict(r), "geom": shapely.from_wkb(r["wkb"])} for r in records]


def instant(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A date as the UTC midnight PostgreSQL compares it with (session TimeZone UTC)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), dt.UTC)


def allen(a: tuple, b: tuple, relation: Callable[..., bool]) -> bool:
    """A temporal relation over [start, end] pairs; a NULL end makes it false, as in SQL."""
    if None in a or None in b:
        return False
    return relation(*a, *b)


def geo(op: str, geometry: Any) -> dict:
    """A spatial predicate in CQL2-JSON: coordinates pass unrounded."""
    return {"op": op, "args": [{"property": "geometry"}, mapping(geometry)]}


def cases(rows: list[Row]) -> list[Case]:
    """One case per operator at least, from values found in `rows`."""
    completed = sorted({r["completed_on"] for r in rows if r["completed_on"]})
    day = completed[len(completed) // 2]
    d, d_ = day.isoformat(), instant(day)
    polygon = next(r["geom"] for r in rows if r["geom"].geom_type == "Polygon")
    minx, _, maxx, _ = polygon.bounds
    centre = polygon.representative_point()
    edge = LineString(list(polygon.exterior.coords)[:2])
    across = LineString([(centre.x - 0.01, centre.y), (centre.x + 0.01, centre.y)])
    shifted = affinity.translate(polygon, xoff=(maxx - minx) / 2)

    def c(r: Row) -> dt.datetime | None:
        return instant(r["completed_on"])

    def num(name: str, test: Callable[[float], bool]) -> Callable[[Row], bool]:
        return lambda r: r[name] is not None and test(r[name])

    return [
        ("=", "type = 'swale'", lambda r: r["type"] == "swale"),
        ("<>", "status <> 'cancelled'", lambda r: r["status"] != "cancelled"),
        ("<", "area_m2 < 100", num("area_m2", lambda v: v < 100)),
        ("<=", "cost_eur <= 5000", num("cost_eur", lambda v: v <= 5000)),
        (">", "area_m2 > 500", num("area_m2", lambda v: v > 500)),
        (">=", "area_m2 >= 300", num("area_m2", lambda v: v >= 300)),
        ("like", "title LIKE 'Zisterne%'", lambda r: r["title"].startswith("Zisterne")),
        (
            "casei",
            "CASEI(title) LIKE CASEI('ZISTERNE%')",
            lambda r: r["title"].lower().startswith("zisterne"),
        ),
        ("between", "cost_eur BETWEEN 10000 AND 20000", num("cost_eur", lambda v: 1e4 <= v <= 2e4)),
        (
            "in",
            "status IN ('planned', 'in_progress')",
            lambda r: r["status"] in ("planned", "in_progress"),
        ),
        ("isnull", "retention_volume_m3 IS NULL", lambda r: r["retention_volume_m3"] is None),
        (
            "not-or-and",
            "NOT (type = 'cistern' OR type = 'tree_trench') AND area_m2 > 100",
            lambda r: r["type"] not in ("cistern", "tree_trench") and r["area_m2"] > 100,
        ),
        ("+", "area_m2 + 100 > 600", num("area_m2", lambda v: v + 100 > 600)),
        ("-", "area_m2 - 50 < 100", num("area_m2", lambda v: v - 50 < 100)),
        ("*", "area_m2 * 2 + 10 > 300", num("area_m2", lambda v: v * 2 + 10 > 300)),
        ("/", "area_m2 / 4 > 200", num("area_m2", lambda v: v / 4 > 200)),
        ("%", "area_m2 % 7 < 1", num("area_m2", lambda v: math.fmod(v, 7) < 1)),
        ("div", "area_m2 div 100 = 3", num("area_m2", lambda v: math.trunc(v / 100) == 3)),
        ("^", "area_m2 ^ 0.5 > 20", num("area_m2", lambda v: v**0.5 > 20)),
        (
            "property-property",
            "cost_eur > area_m2 * 100",
            lambda r: r["cost_eur"] is not None and r["cost_eur"] > r["area_m2"] * 100,
        ),
        (
            "t_after",
            f"T_AFTER(completed_on, DATE('{d}'))",
            lambda r: allen((c(r), c(r)), (d_, d_), lambda as_, ae, bs, be: as_ > be),
        ),
        (
            "t_before",
            f"T_BEFORE(completed_on, DATE('{d}'))",
            lambda r: allen((c(r), c(r)), (d_, d_), lambda as_, ae, bs, be: ae < bs),
        ),
        (
            "t_contains",
            "T_CONTAINS(INTERVAL('2019-01-01', '2020-06-30'), completed_on)",
            lambda r: allen(
                (instant(dt.date(2019, 1, 1)), instant(dt.date(2020, 6, 30))),
                (c(r), c(r)),
                lambda as_, ae, bs, be: as_ < bs and ae > be,
            ),
        ),
        (
            "t_disjoint",
            "T_DISJOINT(completed_on, INTERVAL('2017-01-01', '2024-12-31'))",
            lambda r: allen(
                (c(r), c(r)),
                (instant(dt.date(2017, 1, 1)), instant(dt.date(2024, 12, 31))),
                lambda as_, ae, bs, be: as_ > be or ae < bs,
            ),
        ),
        (
            "t_during",
            "T_DURING(completed_on, INTERVAL('2019-01-01', '2019-12-31'))",
            lambda r: allen(
                (c(r), c(r)),
                (instant(dt.date(2019, 1, 1)), instant(dt.date(2019, 12, 31))),
                lambda as_, ae, bs, be: as_ > bs and ae < be,
            ),
        ),
        ("t_equals", f"T_EQUALS(completed_on, DATE('{d}'))", lambda r: c(r) == d_),
        (
            "t_finishedBy",
            f"T_FINISHEDBY(INTERVAL('2015-01-01', '{d}'), completed_on)",
            lambda r: allen(
                (instant(dt.date(2015, 1, 1)), d_),
                (c(r), c(r)),
                lambda as_, ae, bs, be: as_ < bs and ae == be,
            ),
        ),
        (
            "t_finishes",
            f"T_FINISHES(completed_on, INTERVAL('2015-01-01', '{d}'))",
            lambda r: c(r) == d_,
        ),
        (
            "t_intersects",
            "T_INTERSECTS(completed_on, INTERVAL('2021-01-01', '..'))",
            lambda r: allen(
                (c(r), c(r)),
                (instant(dt.date(2021, 1, 1)), EVER),
                lambda as_, ae, bs, be: as_ <= be and ae >= bs,
            ),
        ),
        ("t_meets", f"T_MEETS(completed_on, INTERVAL('{d}', '..'))", lambda r: c(r) == d_),
        # T_MEETS reads only the interval's start: its unused end must not be bound.
        (
            "t_meets, closed interval",
            f"T_MEETS(completed_on, INTERVAL('{d}', '2099-01-01'))",
            lambda r: c(r) == d_,
        ),
        ("t_metBy", f"T_METBY(completed_on, INTERVAL('..', '{d}'))", lambda r: c(r) == d_),
        (
            "t_overlaps",
            "T_OVERLAPS(INTERVAL(completed_on, created_at), INTERVAL('2019-01-01', '2099-01-01'))",
            lambda r: allen(
                (c(r), r["created_at"]),
                (instant(dt.date(2019, 1, 1)), instant(dt.date(2099, 1, 1))),
                lambda as_, ae, bs, be: as_ < bs and bs < ae < be,
            ),
        ),
        (
            "t_overlappedBy",
            "T_OVERLAPPEDBY(INTERVAL(completed_on, created_at), INTERVAL('..', '2022-01-01'))",
            lambda r: allen(
                (c(r), r["created_at"]),
                (NEVER, instant(dt.date(2022, 1, 1))),
                lambda as_, ae, bs, be: bs < as_ < be and ae > be,
            ),
        ),
        (
            "t_startedBy",
            f"T_STARTEDBY(INTERVAL('{d}', '2099-01-01'), completed_on)",
            lambda r: c(r) == d_,
        ),
        ("t_starts", f"T_STARTS(completed_on, INTERVAL('{d}', '..'))", lambda r: c(r) == d_),
        (
            "s_intersects",
            "S_INTERSECTS(geometry, POLYGON((6.98 51.42, 7.05 51.42, 7.05 51.47, 6.98 51.47,"
            " 6.98 51.42)))",
            lambda r: r["geom"].intersects(WINDOW),
        ),
        (
            "s_within",
            "S_WITHIN(geometry, BBOX(6.98, 51.42, 7.05, 51.47))",
            lambda r: r["geom"].within(WINDOW),
        ),
        ("s_disjoint", geo("s_disjoint", WINDOW), lambda r: r["geom"].disjoint(WINDOW)),
        ("s_contains", geo("s_contains", centre), lambda r: r["geom"].contains(centre)),
        ("s_equals", geo("s_equals", polygon), lambda r: r["geom"].equals(polygon)),
        ("s_touches", geo("s_touches", edge), lambda r: r["geom"].touches(edge)),
        ("s_crosses", geo("s_crosses", across), lambda r: r["geom"].crosses(across)),
        ("s_overlaps", geo("s_overlaps", shifted), lambda r: r["geom"].overlaps(shifted)),
    ]


def query(filter_: Any) -> dict[str, str]:
    if isinstance(filter_, str):
        return {"filter": filter_}
    return {"filter": json.dumps(filter_), "filter-lang": "cql2-json"}


def operators(node: Any) -> set[str]:
    """The operators a CQL2-JSON tree uses."""
    if isinstance(node, list):
        return set().union(*(operators(n) for n in node))
    if not isinstance(node, dict):
        return set()
    own = {node["op"].lower()} if "op" in node else set()
    return own.union(*(operators(v) for v in node.values()))


async def test_every_operator_agrees_with_the_oracle(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    rows = await fetch_rows(pool)
    disagreements, empty = [], []
    for name, filter_, oracle in cases(rows):
        expected = {r["id"] for r in rows if oracle(r)}
        got = await matched(client, query(filter_))
        if got != expected:
            disagreements.append(
                f"{name}: {len(got - expected)} extra, {len(expected - got)} missing"
            )
        if not expected:
            empty.append(name)
    assert not disagreements, disagreements
    assert not empty, f"these cases match nothing in the demo data: {empty}"


async def test_the_cases_use_every_declared_operator(pool: asyncpg.Pool) -> None:
    used: set[str] = set()
    for _, filter_, _ in cases(await fetch_rows(pool)):
        parsed = (
            cql2.parse_text(filter_)
            if isinstance(filter_, str)
            else cql2.parse_json(json.dumps(filter_))
        )
        used |= operators(parsed.to_json())
    assert used == OPERATORS, (sorted(OPERATORS - used), sorted(used - OPERATORS))
