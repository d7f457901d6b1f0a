"""The request deadline: 503 before the response starts, untouched once it streams."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app.guards.deadline import DeadlineMiddleware, extend_deadline


async def slow(request: Request) -> Response:
    await asyncio.sleep(float(request.query_params.get("s", "1")))
    return PlainTextResponse("late")


async def extended(request: Request) -> Response:
    extend_deadline(request.scope, 2)
    await asyncio.sleep(0.3)
    return PlainTextResponse("in time")


async def streaming(request: Request) -> Response:
    async def body():
        yield b"first "
        await asyncio.sleep(0.3)  # longer than the deadline, after the response started
        yield b"second"

    return StreamingResponse(body())


def client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/slow", slow), Route("/extended", extended), Route("/stream", streaming)]
    )
    guarded = DeadlineMiddleware(app, seconds=0.1)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://t")


async def test_a_request_past_its_deadline_gets_503_problem() -> None:
    async with client() as http:
        response = await http.get("/slow?s=1")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]


async def test_a_fast_request_is_untouched() -> None:
    async with client() as http:
        response = await http.get("/slow?s=0")
    assert response.status_code == 200 and response.text == "late"


async def test_an_extended_deadline_holds() -> None:
    async with client() as http:
        response = await http.get("/extended")
    assert response.status_code == 200 and response.text == "in time"


async def test_a_started_response_streams_to_the_end() -> None:
    async with client() as http:
        response = await http.get("/stream")
    assert response.status_code == 200 and response.text == "first second"
