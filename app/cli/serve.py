"""`klimawerk serve`: run the API with uvicorn and say where it answers once it does."""

from __future__ import annotations

import ipaddress
import os
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import typer
import uvicorn

from app.cli.output import console
from app.config import get_settings
from app.http.slow_clients import TimedHttpToolsProtocol

READY_TIMEOUT_S = 120.0
# prometheus-client's own variable: where each worker process writes its samples.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def public_base(host: str, port: int) -> str:
    """The URL a person on this machine opens (a wildcard address is not one)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a name such as localhost
        return f"http://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    shown = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{shown}:{port}"


def ready_message(base: str) -> str:
    """The lines printed when the server answers."""
    return (
        f"Klima.Werk is ready:\n"
        f"  map    {base}/map\n"
        f"  API    {base}/  (OpenAPI {base}/api, docs {base}/docs)"
    )


def announce_when_ready(base: str, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Polls /health/ready until it answers 200, then prints the URLs (uvicorn has no
    hook)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health/ready", timeout=2) as answer:
                if answer.status == 200:
                    # Plain print: rich would wrap long URLs at the terminal's width.
                    print(ready_message(base), flush=True)
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    console.print(
        f"[yellow]the server was not ready at {base}/health/ready within {timeout_s:.0f} s"
    )


def serve(
    host: str | None = typer.Option(None, help="address to bind (default HOST or 127.0.0.1)"),
    port: int | None = typer.Option(None, help="port (default PORT or 8000)"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
) -> None:
    """Serve the registry over HTTP."""
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    base = public_base(host, port)
    # Before the app (and prometheus-client) is imported here or in a worker.
    metrics_dir = prepare_metrics_dir()
    if settings.metrics_port:
        serve_metrics(host, settings.metrics_port)
    threading.Thread(target=announce_when_ready, args=(base,), daemon=True).start()
    try:
        _run(host, port, workers)
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def prepare_metrics_dir() -> Path | None:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory for the worker processes'
    samples: a fresh one of our own (returned, removed at exit), or the operator's,
    emptied, since samples of an earlier run would be counted again."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return None
    made = Path(tempfile.mkdtemp(prefix="klimawerk-metrics-"))
    os.environ[MULTIPROC_ENV] = str(made)
    return made


def serve_metrics(host: str, port: int) -> None:
    """Serve every worker's metrics on `port` of its own, without a key (METRICS_PORT:
    reachable by the Prometheus server only, say the firewall or the compose network)."""
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    start_http_server(port, addr=host, registry=registry)
    console.print(f"metrics on http://{host}:{port}/metrics")


def _run(host: str, port: int, workers: int) -> None:
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        # httptools with header, body and write timeouts (ADR 0013).
        http=TimedHttpToolsProtocol,
        # The same proxies the rate limit trusts (TRUSTED_PROXIES).
        forwarded_allow_ips=settings.proxy_hosts,
    )
