"""Bounded concurrency for expensive requests: a full kind sheds at once with 503.

Expensive requests are known by their URL alone (`heavy_kind`), so that a request that
finds every slot taken is answered before routing, parsing or the database: a burst of
heavy requests costs the worker almost nothing beyond what it can serve.
"""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.request_id import request_id_of
from app.domain.tiling import FULL_DETAIL_ZOOM
from app.errors import Unavailable, problem_response

log = logging.getLogger("klimawerk")

ITEMS = "/collections/measures/items"
TILES = "/collections/measures/tiles/WebMercatorQuad/"
# Only plain, short numbers are compared: `int()` refuses 5,000 digits and `²` (which
# `str.isdigit` accepts); a value this does not match is refused later as a 400 anyway.
PLAIN_NUMBER = re.compile(r"[0-9]{1,9}")


def _number(text: str) -> int | None:
    return int(text) if PLAIN_NUMBER.fullmatch(text) else None


def heavy_kind(path: str, query_string: bytes, heavy_page_size: int) -> str | None:
    """`export`, `heavy` (big pages), `tile` (cluster tiles) or None for ordinary requests."""
    if path == ITEMS:
        query = parse_qs(query_string.decode("latin-1"))
        if query.get("f", [""])[0] in ("csv", "gpkg"):
            return "export"
        limit = _number(query.get("limit", [""])[0])
        return "heavy" if limit is not None and limit > heavy_page_size else None
    if path.startswith(TILES):
        zoom = _number(path[len(TILES) :].split("/", 1)[0])
        # Cluster tiles aggregate every measure under them.
        return "tile" if zoom is not None and zoom < FULL_DETAIL_ZOOM else None
    return None


class Slots:
    """A fixed number of slots per kind of work (per worker process), no long queue.

    Queueing heavy work only makes every caller wait; shedding keeps the database and
    the worker free for the cheap requests that make up normal traffic. A kind may wait
    a little for a slot (a map asks for a dozen cluster tiles at once), never longer.
    """

    def __init__(self, sizes: dict[str, int], waits: dict[str, float] | None = None) -> None:
        self.sizes = dict(sizes)
        self.waits = dict.fromkeys(sizes, 0.0) | (waits or {})
        self.free = {kind: asyncio.Semaphore(size) for kind, size in sizes.items()}
        self.busy = dict.fromkeys(sizes, 0)

    async def take(self, kind: str) -> bool:
        """Take a slot of `kind`, waiting at most its wait; False when none came free."""
        free = self.free[kind]
        if free.locked() and not self.waits[kind]:
            return False
        try:
            async with asyncio.timeout(self.waits[kind]):
                await free.acquire()  # at once when a slot is free
        except TimeoutError:
            return False
        self.busy[kind] += 1
        return True

    def give_back(self, kind: str) -> None:
        """Return a slot taken with `take`."""
        self.busy[kind] -= 1
        self.free[kind].release()


class SlotsMiddleware:
    """Hold a slot from the start of an expensive request until its response starts.

    What streams after that (an export file) needs no slot: it was prepared before.
    """

    def __init__(self, app: ASGIApp, slots: Slots, heavy_page_size: int) -> None:
        self.app = app
        self.slots = slots
        self.heavy_page_size = heavy_page_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = None
        if scope["type"] == "http":
            kind = heavy_kind(scope["path"], scope["query_string"], self.heavy_page_size)
        if kind is None:
            await self.app(scope, receive, send)
            return
        if not await self.slots.take(kind):
            request_id = request_id_of(scope)
            log.warning("503 on %s: no %s slot free (request %s)", scope["path"], kind, request_id)
            error = Unavailable(
                f"too many {kind} requests are being served; retry shortly",
                retry_after=2,
                refusal="slots",
            )
            await problem_response(error, scope["path"], request_id)(scope, receive, send)
            return
        held = True

        async def send_releasing(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                self.slots.give_back(kind)
            await send(message)

        try:
            await self.app(scope, receive, send_releasing)
        finally:
            if held:
                self.slots.give_back(kind)
