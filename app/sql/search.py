"""SQL of the text search `q` (migration 0014 keeps `search_doc` and the word list
`measure_search_words`): the condition a measure matches, the relevance it is ranked
by, and suggestions for a search box."""

from __future__ import annotations

from typing import Any

import asyncpg

from app.query.measure import MeasureQuery
from app.query.where import Where

# Suggestions rank the first this many matches, not all: a word beginning typed so far
# ("dach") can match a third of 200,000 measures (ADR 0021).
SUGGESTION_CANDIDATES = 50


def _terms(terms: tuple[str, ...], where: Where) -> str:
    return f"{where.param(list(terms))}::text[]"


def typed_tsquery(terms: tuple[str, ...], where: Where) -> str:
    """The tsquery of the words as typed (a scalar subquery: computed once per
    execution, also under a generic plan)."""
    return f"(SELECT measure_search_query({_terms(terms, where)}))"


def corrected_tsquery(terms: tuple[str, ...], where: Where) -> str:
    """The tsquery of the words with typos corrected against the measures' words."""
    return f"(SELECT measure_search_query(measure_search_corrections({_terms(terms, where)})))"


def search_condition(terms: tuple[str, ...], where: Where) -> str:
    """Measures matching any term as typed or corrected: one scan of the GIN index."""
    bound = _terms(terms, where)
    return f"search_doc @@ (SELECT measure_search_query({bound} || measure_search_corrections({bound})))"


def rank_expression(terms: tuple[str, ...], where: Where) -> str:
    """Relevance (higher first): the full-text rank of the words as typed (title words
    weigh most), a tenth of that of the corrected words, so typo matches come last."""
    return (
        f"(coalesce(ts_rank(search_doc, {typed_tsquery(terms, where)}), 0)::float8"
        f" + coalesce(ts_rank(search_doc, {corrected_tsquery(terms, where)}), 0)::float8 / 10)"
    )


async def select_suggestions(
    conn: asyncpg.Connection, query: MeasureQuery, where: Where, limit: int
) -> list[asyncpg.Record]:
    """Up to `limit` measures for a search box: the best ranked of the first matches of
    the words as typed, filled up with those of the corrected words when too few.
    `where` holds the query's other conditions (visibility, filters), not the search."""
    # The tsqueries first, as values: planned with them, PostgreSQL estimates from its
    # statistics how many measures a word beginning matches and picks the scan. Under a
    # generic plan it guesses, and built a bitmap of 66,000 measures for "Dachbeg".
    typed, corrected = await conn.fetchrow(
        "SELECT measure_search_query($1::text[])::text,"
        " measure_search_query(measure_search_corrections($1::text[]))::text",
        list(query.search),
    )
    rows: list[asyncpg.Record] = []
    async with conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        # A scan in table order meets matches stored together (one type, one import)
        # last: 540 ms for "Entsiegelung" at 200,000. An index in id order (random
        # UUIDs) or the GIN bitmap finds the first ones wherever they lie.
        await conn.execute("SET LOCAL enable_seqscan = off")
        for tsquery in (typed, corrected):
            if tsquery is None or len(rows) >= limit:
                continue
            step = Where(values=list(where.values))
            step.conditions = list(where.conditions)
            step.add(f"search_doc @@ {step.param(tsquery)}::tsquery")
            if rows:
                step.add(f"id <> ALL({step.param([r['id'] for r in rows])}::uuid[])")
            rank = (
                f"coalesce(ts_rank(search_doc, {step.param(typed)}::tsquery), 0)::float8"
                f" + coalesce(ts_rank(search_doc, {step.param(corrected)}::tsquery), 0) / 10"
            )
            rows += await conn.fetch(
                "SELECT id, title, type, municipality, box FROM ("
                f" SELECT id, title, type, municipality, {rank} AS rank,"
                "  ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS box"
                f" FROM measures WHERE {step.sql()} LIMIT {SUGGESTION_CANDIDATES}"
                f") AS candidates ORDER BY rank DESC, id LIMIT {step.param(limit - len(rows))}",
                *step.values,
            )
    return rows


async def select_municipality_suggestions(
    conn: asyncpg.Connection, terms: tuple[str, ...]
) -> list[asyncpg.Record]:
    """The municipalities whose names match a term as measures' words do."""
    where = Where()
    return await conn.fetch(
        "SELECT ags, name, ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)]"
        " AS box FROM municipalities"
        " WHERE to_tsvector('german', measure_search_fold(name))"
        f" @@ {typed_tsquery(terms, where)} ORDER BY name",
        *where.values,
    )


def suggestion_json(row: asyncpg.Record) -> dict[str, Any]:
    """A suggested measure as the search box shows it."""
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "type": row["type"],
        "municipality": row["municipality"],
        "bbox": list(row["box"]),
    }
