"""X-Forwarded-For names the client only when the direct peer is a trusted proxy
(TRUSTED_PROXIES, default 127.0.0.1), for uvicorn and the budgets alike."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.config import Settings
from tests.servers import served

# A budget of three cheap requests per caller that refills only once a minute, so that
# the tests see whom a request counts against.
SMALL = {"CHEAP_BUDGET_BURST": "3", "CHEAP_BUDGET_PER_S": "0.0167"}


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[str]:
    with served(dsn, env=SMALL) as (base, _):
        yield base


def statuses(base: str, local_address: str, forwarded: list[str | None]) -> list[int]:
    transport = httpx.HTTPTransport(local_address=local_address)
    with httpx.Client(transport=transport, base_url=base, timeout=10) as http:
        return [
            http.get("/conformance", headers={"X-Forwarded-For": f} if f else {}).status_code
            for f in forwarded
        ]


def test_a_spoofed_header_from_an_untrusted_peer_changes_nothing(server: str) -> None:
    # 127.0.0.2 is no proxy: each request counts against 127.0.0.2, whatever it claims.
    spoofed = ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", None]
    assert statuses(server, "127.0.0.2", spoofed) == [200, 200, 200, 429, 429]


def test_behind_the_trusted_proxy_two_clients_are_told_apart(server: str) -> None:
    first = statuses(server, "127.0.0.1", ["10.2.0.1"] * 4)
    second = statuses(server, "127.0.0.1", ["10.2.0.2"] * 3)
    # A proxy chain: the address the trusted proxy saw is the last untrusted one.
    chained = statuses(server, "127.0.0.1", ["10.9.9.9, 10.2.0.3"] * 3)
    assert first == [200, 200, 200, 429]
    assert second == [200, 200, 200]
    assert chained == [200, 200, 200]


@pytest.mark.parametrize(
    ("raw", "hosts"),
    [
        ("", []),
        (" , ", []),
        ("127.0.0.1", ["127.0.0.1"]),
        ("10.0.0.1, 172.30.81.0/24", ["10.0.0.1", "172.30.81.0/24"]),
        ("*", ["*"]),
    ],
)
def test_trusted_proxies_are_read_as_uvicorn_takes_them(raw: str, hosts: list[str]) -> None:
    assert Settings(trusted_proxies=raw).proxy_hosts == hosts
