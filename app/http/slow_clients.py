"""Connections that send or read too slowly are dropped (`klimawerk serve`).

uvicorn drops an idle kept-alive connection, but not one that sends its headers a
byte every few seconds, nor a request body that stops arriving, nor a client that
stops reading a response: a few hundred such connections held every file descriptor
of a worker. This protocol (uvicorn's httptools protocol with timers) gives each phase
a timeout: the headers of a request must be complete within `HEADER_TIMEOUT_S` of its
first byte (or of the connection), a body may not pause longer than `BODY_TIMEOUT_S`,
and a response may not wait for the client to read longer than
`CLIENT_STALL_TIMEOUT_S`. ADR 0013 explains why the server stays uvicorn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import get_settings

log = logging.getLogger("klimawerk")

REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with header, body and write timeouts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # From the settings of this process (uvicorn's worker processes read their own).
        settings = get_settings()
        self.header_timeout_s = settings.header_timeout_s
        self.body_timeout_s = settings.body_timeout_s
        self.write_timeout_s = settings.client_stall_timeout_s
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None

    def _cancel(self, name: str) -> None:
        timer = getattr(self, name)
        if timer is not None:
            timer.cancel()
            setattr(self, name, None)

    def _cancel_all(self) -> None:
        for name in ("_header_timer", "_body_timer", "_write_timer"):
            self._cancel(name)

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    # Headers: from the connection, or from the first byte of a kept-alive request.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._cancel("_header_timer")
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.more_body:
            self._body_timer = self.loop.call_later(self.body_timeout_s, self._body_late)

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        log.info("dropped %s: headers not complete within %s s", self.client, self.header_timeout_s)
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()

    # Body: no pause longer than the timeout while the app wants to read.
    def on_body(self, body: bytes) -> None:
        self._cancel("_body_timer")
        self._body_timer = self.loop.call_later(self.body_timeout_s, self._body_late)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._cancel("_body_timer")
        super().on_message_complete()

    def _body_late(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
            return
        if self.flow.read_paused:  # the app is not reading yet: not the client's fault
            self._body_timer = self.loop.call_later(self.body_timeout_s, self._body_late)
            return
        log.info("dropped %s: request body paused over %s s", self.client, self.body_timeout_s)
        self.transport.close()

    # Writing: a client that reads nothing of the response for the timeout is dropped.
    def pause_writing(self) -> None:
        super().pause_writing()
        self._cancel("_write_timer")
        self._write_timer = self.loop.call_later(self.write_timeout_s, self._write_stalled)

    def resume_writing(self) -> None:
        self._cancel("_write_timer")
        super().resume_writing()

    def _write_stalled(self) -> None:
        self._write_timer = None
        log.info("dropped %s: read nothing for %s s", self.client, self.write_timeout_s)
        self.transport.abort()  # close() would wait to flush what the client never reads

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_all()
        super().connection_lost(exc)
