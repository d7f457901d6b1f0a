"""Request ids: every response carries one, every server error is logged under it.

An ASGI middleware (not Starlette's BaseHTTPMiddleware, which would buffer streamed
exports). It also answers an exception no handler caught: Starlette's own last-resort
handler re-raises after answering, and the server then drops the keep-alive connection.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from app.errors import AppError, problem_response

log = logging.getLogger("klimawerk")

HEADER = b"x-request-id"
# An id from a proxy in front is kept when it is short and plain; anything else is
# replaced, so that a log line cannot be forged through the header.
_ACCEPTED = re.compile(rb"[A-Za-z0-9._-]{8,64}")


def _incoming(scope: dict) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER and _ACCEPTED.fullmatch(value):
            return value.decode()
    return None


class RequestId:
    """Give each HTTP request an id (scope state `request_id`, header `X-Request-Id`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("500 on %s %s (request %s)", scope["method"], scope["path"], request_id)
            if started:
                raise  # a stream broke off: nothing to answer, the server closes it
            error = AppError(
                f"An unexpected error occurred; it has been logged as request {request_id}."
            )
            await problem_response(error, scope["path"], request_id)(scope, receive, send_with_id)
