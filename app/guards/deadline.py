"""The request deadline: a request whose response has not started in time gets a 503."""

from __future__ import annotations

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Unavailable, problem_response
from app.http.request_id import request_id_of

log = logging.getLogger("klimawerk")


def extend_deadline(scope: Scope, seconds: float) -> None:
    """Give this request `seconds` from now (an export may take longer than a page)."""
    timeout: asyncio.Timeout | None = scope.get("state", {}).get("deadline")
    if timeout is not None and timeout.when() is not None:
        timeout.reschedule(asyncio.get_running_loop().time() + seconds)


class DeadlineMiddleware:
    """Cancel a request that has not started its response within `seconds`.

    Once the response has started the body may take as long as the client reads: what
    streams then is ready (exports are prepared before the first byte is sent).
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        timeout = asyncio.timeout(self.seconds)

        async def send_started(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                timeout.reschedule(None)
            await send(message)

        scope.setdefault("state", {})["deadline"] = timeout
        try:
            async with timeout:
                await self.app(scope, receive, send_started)
            return
        except TimeoutError:
            if not timeout.expired():
                raise
        request_id = request_id_of(scope)
        log.warning(
            "503 on %s: deadline of %s s passed (request %s)",
            scope.get("path"),
            self.seconds,
            request_id,
        )
        if not started:
            error = Unavailable(
                "the request took too long and was stopped", retry_after=5, refusal="deadline"
            )
            await problem_response(error, scope.get("path"), request_id)(scope, receive, send)
