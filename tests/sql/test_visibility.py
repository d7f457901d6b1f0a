"""The visibility rule in SQL (`Visibility.condition`) selects exactly the measures its
Python form (`Visibility.admits`, which the write checks use) admits; likewise the
rows whose review notes an export carries (`Visibility.review_condition`) are those
`access.sees_review_process` names."""

from __future__ import annotations

import itertools

import asyncpg
from shapely.geometry import Point

from app.domain import access
from app.query.measure import MeasureQuery
from app.query.where import Where
from app.sql.measures import measure_where
from tests.domain.test_access import CALLERS
from tests.factories import insert_measure

PLACES = {"05513000": Point(7.1, 51.52), "05113000": Point(7.01, 51.45)}


async def _every_kind(conn: asyncpg.Connection) -> dict:
    """One measure for each owner, municipality and review state: id -> facts."""
    await conn.execute("DELETE FROM measures")
    facts = {}
    for partner, municipality, state in itertools.product(
        ("Vivawest", "Vonovia", None), PLACES, ("submitted", "published", "rejected")
    ):
        row = await insert_measure(conn, PLACES[municipality], review_state=state, partner=partner)
        assert row["municipality"] == municipality
        facts[row["id"]] = (partner, municipality, state)
    return facts


async def test_sql_and_python_visibility_agree(conn: asyncpg.Connection) -> None:
    facts = await _every_kind(conn)
    for who in CALLERS:
        visibility = access.visibility(who)
        where = measure_where(MeasureQuery(visibility=visibility))
        selected = {
            r["id"]
            for r in await conn.fetch(f"SELECT id FROM measures WHERE {where.sql()}", *where.values)
        }
        admitted = {i for i, f in facts.items() if visibility.admits(*f)}
        assert selected == admitted, who
        assert 0 < len(admitted) <= len(facts)


async def test_sql_and_python_agree_on_who_sees_the_review_process(
    conn: asyncpg.Connection,
) -> None:
    facts = await _every_kind(conn)
    for who in CALLERS:
        where = Where()
        condition = access.visibility(who).review_condition(where)
        selected = {
            r["id"]
            for r in await conn.fetch(f"SELECT id FROM measures WHERE {condition}", *where.values)
        }
        seeing = {
            i for i, f in facts.items() if access.sees_review_process(who, access.MeasureFacts(*f))
        }
        assert selected == seeing, who
