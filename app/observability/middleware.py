"""Observe: the ASGI middleware that counts each request for the metrics and writes its
access-log line, after the response has ended (streamed exports included).

It reads what the inner layers left in the scope: the matched route (its template, never
the raw path, so that metrics stay a bounded set), `state.caller` from the key lookup,
`state.refusal` from a guard's problem response and `state.request_id`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from cachetools import LRUCache
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.keys import hash_key, key_from_headers
from app.errors import InvalidParameter
from app.observability import metrics
from app.observability.access_log import access_line, access_logger, client_address

UNMATCHED = "unmatched"


def templates_of(routes: Iterable[Any]) -> list[tuple[re.Pattern, str]]:
    """(compiled pattern, template) of every route, included routers walked into."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += templates_of(inner.routes)
        elif isinstance(getattr(route, "path", None), str):
            pattern = getattr(route, "path_regex", None) or compile_path(route.path)[0]
            found.append((pattern, route.path))
    return found


def route_template(scope: Scope, templates: list[tuple[re.Pattern, str]]) -> str:
    """The path template that answered (or would have answered) this request."""
    route = scope.get("route")
    if isinstance(getattr(route, "path", None), str):
        return route.path
    # Refused before routing (rate limit, body limit): the route it was meant for.
    path = scope["path"]
    for pattern, template in templates:
        if pattern.match(path):
            return template
    return UNMATCHED


def key_digest(scope: Scope) -> str | None:
    """The hash of the request's API key (as stored), None without one."""
    try:
        secret = key_from_headers(scope["headers"])
    except InvalidParameter:
        return None  # two different keys: refused with a 400, logged as no key
    return hash_key(secret) if secret else None


class KnownCallers:
    """The callers this process's key lookups found, by key hash: a request that needs
    no lookup (or was refused before it) is still logged with its partner."""

    def __init__(self, size: int = 4096) -> None:
        self._callers: LRUCache[str, Any] = LRUCache(maxsize=size)

    def resolve(self, scope: Scope, looked_up: Any) -> Any:
        """The caller of this request: looked up now, known from before, an unknown
        key (role `key`), or None (anonymous)."""
        digest = key_digest(scope)
        if digest is None:
            return looked_up
        if looked_up is not None:
            self._callers[digest] = looked_up
            return looked_up
        return self._callers.get(digest) or _Unresolved()


class _Unresolved:
    role = "key"
    partner = None


class Observe:
    """Count and log every HTTP request once its response has ended."""

    def __init__(self, app: ASGIApp, *, access_log: bool, client_mode: str) -> None:
        self.app = app
        self.logger = access_logger() if access_log else None
        self.client_mode = client_mode
        self.cache_counts = metrics.CacheCounts()
        self.templates: list[tuple[re.Pattern, str]] | None = None
        self.callers = KnownCallers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        status = 500
        sent = 0
        attachment = False

        async def counting_send(message: Message) -> None:
            nonlocal status, sent, attachment
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"content-disposition" and value.startswith(b"attachment"):
                        attachment = True
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self._observe(scope, state, status, time.perf_counter() - started, sent, attachment)

    def _observe(
        self, scope: Scope, state: dict, status: int, seconds: float, sent: int, attachment: bool
    ) -> None:
        if self.templates is None:  # the routes are all there once requests come
            self.templates = templates_of(getattr(scope.get("app"), "routes", ()))
        route = route_template(scope, self.templates)
        refusal = state.get("refusal")
        metrics.record_request(route, scope["method"], status, seconds, sent, refusal, attachment)
        app = scope.get("app")
        if app is not None:
            metrics.sample_state(app.state, self.cache_counts)
        if self.logger is None:
            return
        client = scope.get("client")
        line = access_line(
            request_id=state.get("request_id"),
            route=route,
            method=scope["method"],
            path=scope["path"],
            status=status,
            seconds=seconds,
            sent=sent,
            caller=self.callers.resolve(scope, state.get("caller")),
            refusal=refusal,
            client=client_address(client[0] if client else None, self.client_mode),
        )
        self.logger.info(line.decode())
