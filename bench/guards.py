"""What the guard stack costs a request (`python -m bench.guards`, part of `make bench`).

Calls the app's middleware stack in-process around an endpoint that answers at once,
with and without the guards (proxy headers, security headers, request id, body limit,
rate limit, slots, deadline), and prints microseconds per request for a single item,
a tile and a shed heavy filter. No network and no database: only the guards are timed,
so the figures hold on a busy machine better than a wrk run does.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.config import Settings
from app.main import create_app

Endpoint = Callable[[dict[str, Any], Any, Any], Awaitable[None]]

REQUESTS = {
    "item": ("GET", "/collections/measures/items/0b0e0c3c-0000-4000-8000-000000000000", b""),
    "tile14": ("GET", "/collections/measures/tiles/WebMercatorQuad/14/8511/5451", b""),
    "statistics_filtered": ("GET", "/statistics", b"type=swale"),
}


async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The cheapest endpoint: 200 with two bytes."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def guarded(settings: Settings) -> Any:
    """The app's middleware stack with `answer` where the router would be."""
    app = create_app(settings)
    stack = app.build_middleware_stack()
    # Starlette wraps the router last: swap the innermost app for `answer`.
    inner = stack
    while getattr(inner, "app", None) is not None and inner.app is not app.router:
        inner = inner.app
    inner.app = answer
    return stack


def scope_of(method: str, path: str, query: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def per_request_us(app: Any, request: tuple[str, str, bytes], n: int) -> float:
    """Microseconds per request through `app`."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    started = time.perf_counter()
    for _ in range(n):
        await app(scope_of(*request), receive, send)
        messages.clear()
    return (time.perf_counter() - started) / n * 1e6


async def main(n: int) -> None:
    settings = Settings(address_budgets=False, budget_sync_s=0)
    stacks = {"no guards": answer, "guards": guarded(settings)}
    print(f"{'request':<22}" + "".join(f"{name:>14}" for name in stacks) + "   µs/request")
    for name, request in REQUESTS.items():
        figures = [await per_request_us(app, request, n) for app in stacks.values()]
        print(f"{name:<22}" + "".join(f"{f:>14.1f}" for f in figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20_000, help="requests per figure")
    asyncio.run(main(parser.parse_args().n))
