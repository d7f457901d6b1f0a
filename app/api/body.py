"""Request bodies: JSON read within a size and a nesting bound, the same for every writer."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from app.errors import InvalidMeasure, InvalidParameter, PayloadTooLarge, problem_response
from app.http.numbers import parse_whole

MAX_BODY_BYTES = 5 * 1024 * 1024
# A FeatureCollection of MultiPolygons nests 8 levels; nothing we accept needs 32.
# Deeper documents are refused before anything walks them recursively.
MAX_JSON_DEPTH = 32
# A client that sends the whole body before it reads (Python urllib, requests) sees a
# connection reset instead of our 413 if we close with its bytes unread. So an
# oversized body is read and thrown away up to this much; past it we stop listening.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024


def too_large(size: int | str) -> PayloadTooLarge:
    """The 413 of a body of `size` bytes (or a description of it)."""
    return PayloadTooLarge(
        f"the body is {size} bytes; at most {MAX_BODY_BYTES} bytes are accepted",
        errors=[{"where": "", "problem": f"larger than {MAX_BODY_BYTES} bytes"}],
    )


def nesting_depth_exceeds(doc: Any, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (an iterative walk: no recursion)."""
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


async def read_json(request: Request) -> Any:
    """The body as JSON: 413 past MAX_BODY_BYTES, 422 when it is not JSON or nests too deep."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        elif size > DRAIN_LIMIT_BYTES:
            break
    if size > MAX_BODY_BYTES:
        raise too_large(f"more than {MAX_BODY_BYTES}" if size > DRAIN_LIMIT_BYTES else size)
    try:
        doc = orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as exc:
        raise InvalidMeasure(
            f"the body is not JSON: {exc}", errors=[{"where": "", "problem": "not JSON"}]
        ) from None
    if nesting_depth_exceeds(doc, MAX_JSON_DEPTH):
        raise InvalidMeasure(
            f"the body nests arrays and objects deeper than {MAX_JSON_DEPTH} levels",
            errors=[{"where": "", "problem": f"nested deeper than {MAX_JSON_DEPTH} levels"}],
        )
    return doc


class BodyLimit:
    """ASGI middleware: a declared Content-Length over the limit is a 413 before any handler.

    Answered before authentication too, so that an anonymous client uploading too much
    also reads a 413. The body is drained first (up to DRAIN_LIMIT_BYTES) unless the
    client waits for `100 Continue`, which it then never gets.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        try:
            # The one number parser (servers refuse most bad lengths before us).
            size = parse_whole("Content-Length", declared.decode("latin-1")) if declared else 0
        except InvalidParameter as error:
            await problem_response(error, scope.get("path"))(scope, receive, send)
            return
        if size <= MAX_BODY_BYTES:
            await self.app(scope, receive, send)
            return
        if headers.get(b"expect", b"").lower() != b"100-continue" and size <= DRAIN_LIMIT_BYTES:
            more = True
            while more:
                message = await receive()
                more = message.get("more_body", False) and message["type"] == "http.request"
        response = problem_response(too_large(size), scope.get("path"))
        await response(scope, receive, send)
