"""The one parser of query strings: parsed once, kept on the ASGI scope, read by all.

Before this, the slot guard read the first `limit` of `limit=1&limit=10000` and the
handler the last; now both read this object, and a parameter the API takes once is
refused with a 400 naming it when it comes twice (`f=json&f=csv`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from app.errors import InvalidParameter

# Under the scope's `state` (Starlette's `request.state`), so that every middleware and
# the handler see the same parse.
STATE_KEY = "query"


class Query:
    """The parameters of one request, in order; read single values with `get`."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._items = list(items)
        self._values: dict[str, list[str]] = {}
        for name, value in self._items:
            self._values.setdefault(name, []).append(value)

    @classmethod
    def parse(cls, query_string: bytes) -> Query:
        """Parse as Starlette does (`+` is a space, percent-escapes are UTF-8)."""
        return cls(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))

    def get(self, name: str, default: str | None = None) -> str | None:
        """The one value of `name` (or `default`); a 400 when it is given twice or more.

        Every parameter of this API is single-valued (lists are comma-separated), so a
        repeat has no meaning but the one each reader would guess differently.
        """
        values = self._values.get(name)
        if not values:
            return default
        if len(values) > 1:
            raise InvalidParameter(
                f"query parameter {name!r} is given {len(values)} times; give it once "
                "(several values are comma-separated)"
            )
        return values[0]

    def names(self) -> set[str]:
        """The names of the parameters given."""
        return set(self._values)

    def multi_items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair, in the order given."""
        return list(self._items)

    def without(self, *names: str) -> Query:
        """This query without the parameters `names`."""
        return Query((k, v) for k, v in self._items if k not in names)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return bool(self._items)


def query_of(scope: MutableMapping[str, Any]) -> Query:
    """The parsed query of this request, parsed on first use and kept on the scope."""
    state = scope.setdefault("state", {})
    query = state.get(STATE_KEY)
    if not isinstance(query, Query):
        query = state[STATE_KEY] = Query.parse(scope.get("query_string", b""))
    return query
