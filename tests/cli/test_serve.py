"""`klimawerk serve` says where the map and the API answer once they do."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.cli.serve import public_base
from tests.servers import free_port

KLIMAWERK = Path(sys.executable).with_name("klimawerk")


def test_a_wildcard_address_is_shown_as_loopback() -> None:
    wildcard = str(ipaddress.IPv4Address(0))  # what HOST=0.0.0.0 binds
    assert public_base(wildcard, 8000) == "http://127.0.0.1:8000"
    assert public_base("::", 8000) == "http://[::1]:8000"
    assert public_base("10.1.2.3", 80) == "http://10.1.2.3:80"
    assert public_base("localhost", 80) == "http://localhost:80"


def test_serve_prints_the_urls_when_ready(dsn: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(KLIMAWERK), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": dsn},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline and not any("API" in line for line in lines):
            lines.append(process.stdout.readline())
        text = "".join(lines)
        base = f"http://127.0.0.1:{port}"
        assert "ready" in text and f"{base}/map" in text and f"{base}/docs" in text, text
        # Printed only once the server answers: the map is there at that moment.
        assert httpx.get(f"{base}/map").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
