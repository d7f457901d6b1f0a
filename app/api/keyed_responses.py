"""Responses to a request with a key are kept by no cache: `private, no-store`.

History with review notes, unpublished measures, keyed exports, `/me`: whatever a
key may see must not stay in a shared cache between an office and the server, nor on
a disk of the browser. One rule for every response, so that no handler can forget it
(an error answered to a key says as much about the key as a page does).
"""

from __future__ import annotations

from typing import Any

from app.api.http_cache import KEYED_CACHE_CONTROL, VARY_CALLER

_KEY_HEADERS = (b"authorization", b"x-api-key")


def _vary(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The response's Vary with the key headers added (each name once)."""
    names: list[str] = []
    for name, value in headers:
        if name.lower() == b"vary":
            names += [n.strip() for n in value.decode("latin-1").split(",") if n.strip()]
    for name in VARY_CALLER:
        if name.lower() not in (n.lower() for n in names):
            names.append(name)
    return ", ".join(names).encode()


class KeyedResponses:
    """ASGI middleware: a request that carries a key gets `Cache-Control: private,
    no-store` and `Vary: Authorization, X-API-Key` on its response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not any(n in _KEY_HEADERS for n, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return

        async def send_private(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                vary = _vary(headers)
                message["headers"] = [
                    (n, v) for n, v in headers if n.lower() not in (b"cache-control", b"vary")
                ] + [(b"cache-control", KEYED_CACHE_CONTROL.encode()), (b"vary", vary)]
            await send(message)

        await self.app(scope, receive, send_private)
