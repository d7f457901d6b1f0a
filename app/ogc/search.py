"""The text search parameter `q` (OGC API - Records / Features text search): comma-
separated terms, a measure matches any of them; a term's words must all be found.

Only letters and digits reach the database: every other character separates words, so
no spelling of `q` can be query syntax. Folding (umlauts, ß), stemming and prefixes are
the database's part (`measure_search_query`, migration 0014), one rule for both sides.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import InvalidParameter

MAX_LENGTH = 500  # characters of the whole parameter
MAX_TERMS = 20
MAX_TERM_LENGTH = 100
MAX_WORDS = 10  # per term
# Letters and digits of any script; `_` is a word character to `\w` but not a letter.
WORD = re.compile(r"[^\W_]+")


def _control_character(raw: str) -> int | None:
    """The position of the first control or format character (category C*), if any."""
    for i, char in enumerate(raw):
        if unicodedata.category(char).startswith("C"):
            return i
    return None


def parse_search(raw: str | None) -> tuple[str, ...]:
    """`q`: the terms to search for, each its words joined by single spaces (no term: ()).

    An empty `q` (or only spaces) asks for nothing, as if absent: an HTML form sends its
    empty search field. Terms without a letter or digit are a 400.
    """
    if raw is None or not raw.strip(" "):
        return ()
    if len(raw) > MAX_LENGTH:
        raise InvalidParameter(f"q is {len(raw)} characters long; at most {MAX_LENGTH} are allowed")
    position = _control_character(raw)
    if position is not None:
        raise InvalidParameter(
            f"q contains control character U+{ord(raw[position]):04X} at position {position + 1}"
        )
    # NFKC: "²" is "2", full-width letters are letters, and a decomposed "ü" is one letter.
    raw_terms = unicodedata.normalize("NFKC", raw).split(",")
    if len(raw_terms) > MAX_TERMS:
        raise InvalidParameter(
            f"q has {len(raw_terms)} comma-separated terms; at most {MAX_TERMS} are allowed"
        )
    terms = []
    for number, term in enumerate(raw_terms, start=1):
        if len(term.strip()) > MAX_TERM_LENGTH:
            raise InvalidParameter(
                f"term {number} of q is {len(term.strip())} characters long; "
                f"at most {MAX_TERM_LENGTH} are allowed"
            )
        words = WORD.findall(term)
        if len(words) > MAX_WORDS:
            raise InvalidParameter(
                f"term {number} of q has {len(words)} words; at most {MAX_WORDS} are allowed"
            )
        if words and " ".join(words) not in terms:
            terms.append(" ".join(words))
    if not terms:
        raise InvalidParameter(
            "q has no word to search for: give letters or digits, "
            "several terms separated by commas (e.g. q=gründach,rigole)"
        )
    return tuple(terms)
