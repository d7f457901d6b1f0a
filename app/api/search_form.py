"""The search form of the measures table page: its text and the filters it keeps."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from app.http.query import query_of

# A new search starts on the first page, as HTML; the form sets these itself.
_RESTARTED = frozenset({"q", "cursor", "f"})


def search_form(request: Request) -> dict[str, Any]:
    """What `search_form.html` needs: the current `q` and the other parameters as hidden
    fields, so that a search keeps the table's filters (plain lists: a worker process
    renders big pages)."""
    params = query_of(request.scope)
    return {
        "q": params.get("q") or "",
        "keep": [[name, value] for name, value in params.multi_items() if name not in _RESTARTED],
    }
