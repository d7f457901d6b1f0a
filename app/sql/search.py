"""SQL of the text search `q` (migration 0014 keeps `search_doc` and `search_text`):
the condition a measure matches, the relevance it is ranked by, and suggestions."""

from __future__ import annotations

from typing import Any

import asyncpg

from app.query.measure import MeasureQuery
from app.query.where import Where

# Shorter terms get no typo matching: a word of four letters with one wrong shares too
# few trigrams with the right one, and its trigrams are in a large share of all names.
TYPO_MIN_LENGTH = 5
# Suggestions rank the first this many full-text matches, not all: a word beginning
# typed so far ("dach") can match most of 200,000 measures (ADR 0021).
SUGGESTION_CANDIDATES = 300


def _tsquery(terms: tuple[str, ...], where: Where) -> str:
    # A scalar subquery: computed once per execution, also under a generic plan.
    return f"(SELECT measure_search_query({where.param(list(terms))}::text[]))"


def _typo_terms(terms: tuple[str, ...]) -> list[str]:
    return [term for term in terms if len(term) >= TYPO_MIN_LENGTH]


def text_condition(terms: tuple[str, ...], where: Where) -> str:
    """Measures whose words match any term (GIN on `search_doc`)."""
    return f"search_doc @@ {_tsquery(terms, where)}"


def typo_condition(terms: tuple[str, ...], where: Where) -> str:
    """Measures whose names hold any term within about one typo (GIN trigram index on
    `search_text`); 'false' when every term is too short for that."""
    typos = [
        f"(SELECT measure_search_ascii({where.param(term)}::text)) <% search_text"
        for term in _typo_terms(terms)
    ]
    return "(" + (" OR ".join(typos) or "false") + ")"


def search_condition(terms: tuple[str, ...], where: Where) -> str:
    """Measures matching any term by full text or, in their names, within one typo."""
    return f"({text_condition(terms, where)} OR {typo_condition(terms, where)})"


def rank_expression(terms: tuple[str, ...], where: Where) -> str:
    """Relevance (higher first): the full-text rank, title words weighing most, plus how
    closely the best term resembles the names (what lets a typo rank at all)."""
    typo_terms = _typo_terms(terms)
    resemblance = "0"
    if typo_terms:
        folded = where.param(typo_terms)
        resemblance = (
            "(SELECT max(word_similarity(measure_search_ascii(t), search_text))"
            f" FROM unnest({folded}::text[]) AS t)::float8 / 10"
        )
    return f"(coalesce(ts_rank(search_doc, {_tsquery(terms, where)}), 0)::float8 + {resemblance})"


async def select_suggestions(
    conn: asyncpg.Connection, query: MeasureQuery, where: Where, limit: int
) -> list[asyncpg.Record]:
    """Up to `limit` measures for a search box: the best ranked of the first full-text
    matches, filled up with typo matches when those are too few. `where` holds the
    query's other conditions (visibility, filters) without the search."""
    rows: list[asyncpg.Record] = []
    for condition in (text_condition, typo_condition):
        step = Where(values=list(where.values))
        step.conditions = list(where.conditions)
        step.add(condition(query.search, step))
        if rows:
            step.add(f"id <> ALL({step.param([r['id'] for r in rows])}::uuid[])")
        rank = rank_expression(query.search, step)
        found = await conn.fetch(
            "SELECT id, title, type, municipality, box FROM ("
            f" SELECT id, title, type, municipality, {rank} AS rank,"
            "  ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS box"
            f" FROM measures WHERE {step.sql()} LIMIT {SUGGESTION_CANDIDATES}"
            f") AS candidates ORDER BY rank DESC, id LIMIT {step.param(limit - len(rows))}",
            *step.values,
        )
        rows += found
        if len(rows) >= limit or not _typo_terms(query.search):
            break
    return rows


async def select_municipality_suggestions(
    conn: asyncpg.Connection, terms: tuple[str, ...]
) -> list[asyncpg.Record]:
    """The municipalities whose names match a term as measures' words do."""
    where = Where()
    return await conn.fetch(
        "SELECT ags, name, ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)]"
        " AS box FROM municipalities"
        f" WHERE to_tsvector('german', measure_search_fold(name)) @@ {_tsquery(terms, where)}"
        " ORDER BY name",
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
