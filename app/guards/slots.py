"""Bounded concurrency for expensive requests: a full kind sheds at once with 503.

Expensive requests are known by their URL alone (`heavy_kind`), so that a request that
finds every slot taken is answered before routing, parsing or the database: a burst of
heavy requests costs the worker almost nothing beyond what it can serve.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.tiling import FULL_DETAIL_ZOOM
from app.errors import InvalidParameter, Unavailable, problem_response
from app.http.numbers import parse_whole
from app.http.query import Query, query_of
from app.http.request_id import request_id_of
from app.ogc import params

log = logging.getLogger("klimawerk")

ITEMS = "/collections/measures/items"
TILES = "/collections/measures/tiles/WebMercatorQuad/"


def heavy_kind(path: str, query: Query, heavy_page_size: int) -> str | None:
    """`export`, `heavy` (big pages), `tile` (cluster tiles) or None for ordinary requests.

    Read with the handlers' own parsers (`app/ogc/params.py`, `app/http`), so that no
    spelling is classified as one thing and executed as another: a value they refuse
    (a repeated `f` or `limit`, `limit=+10000`, `limit=10_000`) raises the same 400
    here, before any work.
    """
    if path == ITEMS:
        if params.check_format(query.get("f")) in params.EXPORT_FORMATS:
            return "export"
        return "heavy" if params.parse_limit(query.get("limit")) > heavy_page_size else None
    if path.startswith(TILES):
        parts = path[len(TILES) :].split("/")
        if len(parts) != 3:  # tilejson.json and the like; a bad path is the router's 404
            return None
        # Cluster tiles aggregate every measure under them.
        return "tile" if parse_whole("z", parts[0]) < FULL_DETAIL_ZOOM else None
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
            try:
                kind = heavy_kind(scope["path"], query_of(scope), self.heavy_page_size)
            except InvalidParameter as error:  # what the handler would answer, sooner
                await problem_response(error, scope["path"], request_id_of(scope))(
                    scope, receive, send
                )
                return
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
