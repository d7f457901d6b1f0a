"""SQL of the text search `q` (migration 0014 keeps `search_doc` and `search_text`):
the condition a measure matches and the relevance it is ranked by."""

from __future__ import annotations

from app.query.where import Where


def search_condition(terms: tuple[str, ...], where: Where) -> str:
    """Measures matching any term: by german full text with word beginnings (GIN on
    `search_doc`), or by a term within one typo of the names (trigram GIN on `search_text`).
    """
    # Scalar subqueries: computed once per execution, also under a generic plan.
    query = f"(SELECT measure_search_query({where.param(list(terms))}::text[]))"
    typos = [
        f"(SELECT measure_search_ascii({where.param(term)}::text)) <% search_text" for term in terms
    ]
    return f"(search_doc @@ {query} OR {' OR '.join(typos)})"


def rank_expression(terms: tuple[str, ...], where: Where) -> str:
    """Relevance (higher first): the full-text rank, title words weighing most, plus how
    closely the best term resembles the names (what lets a typo rank at all)."""
    query = f"(SELECT measure_search_query({where.param(list(terms))}::text[]))"
    folded = f"(SELECT array_agg(measure_search_ascii(t)) FROM unnest({where.param(list(terms))}::text[]) AS t)"
    return (
        f"(coalesce(ts_rank(search_doc, {query}), 0)::float8"
        f" + (SELECT max(word_similarity(t, search_text)) FROM unnest({folded}) AS t)::float8 / 10)"
    )
