"""The filters that used to kill the process (SIGSEGV in the CQL2 parser), sent to a real
uvicorn process: each is a 400 problem, and the process is still alive afterwards."""

from __future__ import annotations

import httpx

from tests.conftest import served

DEEP_FILTERS = {
    "2,000 nested parentheses": "(" * 2000 + "version = 1" + ")" * 2000,
    "4,900 NOT": "NOT " * 4900 + "version = 1",
    "2,000 nested IN parentheses": "version IN (" + "(" * 2000 + "1" + ")" * 2000 + ")",
    "2,000 unary minus": "version = " + "- " * 2000 + "1",
}
PATHS = (
    "/collections/measures/items",
    "/statistics",
    "/collections/measures/tiles/WebMercatorQuad/10/530/340",
)


def test_deep_filters_do_not_kill_the_server(dsn: str) -> None:
    with served(dsn) as (base, process), httpx.Client(base_url=base, timeout=30) as http:
        for path in PATHS:
            for name, text in DEEP_FILTERS.items():
                response = http.get(path, params={"filter": text})
                assert response.status_code == 400, (path, name, response.text[:200])
                assert response.headers["content-type"] == "application/problem+json"
                assert "nests" in response.json()["detail"], (path, name)
        assert process.poll() is None, "the server process died"
        assert http.get("/health").status_code == 200
