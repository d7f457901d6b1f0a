"""Overload drill: stalled export clients plus a burst of heavy requests.

While 16 clients hold `?f=gpkg` / `?f=csv` downloads open without reading and 150
heavy requests (10,000-feature pages as JSON and HTML, uncached low-zoom tiles) arrive
at once, a normal items request must still be answered within a second, or be shed at
once with 429/503. `python -m bench.overload URL` prints the figures; the test
`tests/api/test_overload.py` asserts them against a real server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

NORMAL = "/collections/measures/items?limit=10"
STALLED_PATHS = ("/collections/measures/items?f=gpkg", "/collections/measures/items?f=csv")


def heavy_path(n: int) -> str:
    """The n-th heavy request: big pages and low-zoom tiles, each filter unique (uncached)."""
    cql = quote(f"area_m2 > {n / 1000}")
    kind = n % 3
    if kind == 0:
        return f"/collections/measures/items?limit=10000&filter={cql}"
    if kind == 1:
        return f"/collections/measures/items?limit=10000&f=html&filter={cql}"
    return f"/collections/measures/tiles/WebMercatorQuad/8/132/85?filter={cql}"


@dataclass
class Drill:
    """What the drill saw."""

    probes: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    burst: Counter[int] = field(default_factory=Counter)  # status -> count (0: no answer)
    burst_slowest_s: float = 0.0
    stalled_open: int = 0

    def summary(self) -> dict[str, object]:
        """The figures as plain data."""
        return {
            "normal_requests": [{"status": s, "seconds": round(t, 3)} for s, t in self.probes],
            "normal_slowest_s": round(max((t for _, t in self.probes), default=0), 3),
            "burst_statuses": dict(sorted(self.burst.items())),
            "burst_slowest_s": round(self.burst_slowest_s, 3),
            "stalled_clients": self.stalled_open,
        }


def open_stalled(base: str, path: str) -> socket.socket:
    """A client that asks for a download and never reads a byte of it."""
    parts = urlsplit(base)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname, parts.port or 80))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    return sock


async def get_status(base: str, path: str, headers: str = "") -> int:
    """The status of GET `path` on a fresh connection, after reading the whole answer.

    Plain sockets: an HTTP client library would make the drill itself the bottleneck.
    """
    parts = urlsplit(base)
    request = f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n{headers}\r\n"
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(request.encode())
        status = int((await reader.readline()).split()[1])
        while await reader.read(1 << 16):
            pass
        return status
    finally:
        writer.close()


async def _timed(base: str, path: str, seconds: float, headers: str = "") -> tuple[int, float]:
    started = time.monotonic()
    try:
        async with asyncio.timeout(seconds):
            status = await get_status(base, path, headers)
    except (OSError, TimeoutError, IndexError, ValueError):
        status = 0
    return status, time.monotonic() - started


async def _heavy(base: str, n: int, drill: Drill, seconds: float) -> None:
    # A distinct forwarded address each: a crowd of clients, not one the rate limit stops.
    forwarded = f"X-Forwarded-For: 10.{n // 250}.{n % 250}.1\r\n"
    status, took = await _timed(base, heavy_path(n), seconds, forwarded)
    drill.burst[status] += 1
    drill.burst_slowest_s = max(drill.burst_slowest_s, took)


async def run(
    base: str,
    *,
    stalled: int = 16,
    burst: int = 150,
    probes: int = 8,
    probe_timeout: float = 5.0,
    burst_timeout: float = 60.0,
) -> Drill:
    """Run the drill against the server at `base`."""
    drill = Drill()
    sockets = [open_stalled(base, STALLED_PATHS[i % 2]) for i in range(stalled)]
    drill.stalled_open = len(sockets)
    try:
        await asyncio.sleep(1.5)  # the downloads get under way
        crowd = asyncio.gather(*(_heavy(base, n, drill, burst_timeout) for n in range(burst)))
        for _ in range(probes):
            await asyncio.sleep(0.25)
            drill.probes.append(await _timed(base, NORMAL, probe_timeout))
        await crowd
        drill.probes.append(await _timed(base, NORMAL, probe_timeout))
    finally:
        for sock in sockets:
            sock.close()
    return drill


def main() -> None:
    """`python -m bench.overload http://127.0.0.1:8000`"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="base URL of a running server")
    parser.add_argument("--stalled", type=int, default=16)
    parser.add_argument("--burst", type=int, default=150)
    args = parser.parse_args()
    drill = asyncio.run(run(args.base, stalled=args.stalled, burst=args.burst))
    print(json.dumps(drill.summary(), indent=2))


if __name__ == "__main__":
    main()
