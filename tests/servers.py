"""The registry served by uvicorn in a subprocess, as a client would reach it.

The one way tests start a live server: `live_server` in `tests/conftest.py` and the
tests that need a server of their own (other settings, a process to watch) use it;
`klimawerk_serve` runs the command `make run` and the Docker image run, for what only
it does (the slow-client timeouts of its protocol).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(
    dsn: str, *args: str, env: dict[str, str] | None = None, output: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A uvicorn serving the app on `dsn`: its base URL and process.

    `args` go to uvicorn, `env` on top of ours (settings such as `HEAVY_BUDGET_BURST`).
    What the server prints (the access log among it) goes to `output`, else to a file
    removed afterwards: never to a pipe nobody reads, which would stall the server once full.
    """
    port = free_port()
    with contextlib.ExitStack() as stack:
        if output is None:
            output = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "server.log"
        with output.open("wb") as sink:
            yield from _served(dsn, port, args, env, output, sink)


def _served(
    dsn: str,
    port: int,
    args: tuple[str, ...],
    env: dict[str, str] | None,
    output: Path,
    sink: IO[bytes],
) -> Iterator[tuple[str, subprocess.Popen]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        # No base map: tests never reach another host, and the map must work without one.
        env={**os.environ, "DATABASE_URL": dsn, "BASEMAP_URL": "", **(env or {})},
        stdout=sink,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.kill()
            process.wait(timeout=10)
            raise RuntimeError(f"the server did not start:\n{output.read_text()}")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def klimawerk_serve(dsn: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """Base URL and process id of `klimawerk serve` on `dsn`, at the default settings."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "klimawerk"), "serve", "--port", str(port)]
    process = subprocess.Popen(
        command,
        env={**os.environ, "DATABASE_URL": dsn, "BASEMAP_URL": "", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("klimawerk serve did not start")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)
