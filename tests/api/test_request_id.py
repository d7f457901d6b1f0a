"""Every response has a request id; a server error is logged under it, with its cause."""

from __future__ import annotations

import logging

import asyncpg
import httpx
import pytest

from app.sql import measures


async def test_every_response_has_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/collections")
    second = await client.get("/collections/nope")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
    # A proxy's plain id is kept; a header that could forge a log line is replaced.
    kept = await client.get("/collections", headers={"X-Request-Id": "edge-1234abcd"})
    assert kept.headers["x-request-id"] == "edge-1234abcd"
    forged = await client.get("/collections", headers={"X-Request-Id": "x\r\nevil: 1 2 3 4"})
    assert forged.headers["x-request-id"] != "x\r\nevil: 1 2 3 4"


async def test_a_database_error_is_logged_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(conn: asyncpg.Connection, query: measures.MeasureQuery) -> None:
        await conn.fetch("SELECT * FROM no_such_table")

    monkeypatch.setattr(measures, "select_page", broken)
    with caplog.at_level(logging.ERROR, logger="klimawerk"):
        response = await client.get("/collections/measures/items")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    request_id = response.headers["x-request-id"]
    assert problem["request_id"] == request_id
    assert "no_such_table" not in response.text  # the caller sees no database internals
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged, caplog.text
    assert "no_such_table" in caplog.text  # the database's own error is in the log


async def test_an_unexpected_exception_is_a_logged_problem(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(conn: asyncpg.Connection, query: measures.MeasureQuery) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(measures, "select_page", broken)
    with caplog.at_level(logging.ERROR, logger="klimawerk"):
        response = await client.get("/collections/measures/items")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    request_id = response.headers["x-request-id"]
    assert response.json()["request_id"] == request_id
    assert request_id in response.json()["detail"]
    assert "a bug" not in response.text
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
