"""`klimawerk serve`: run the API with uvicorn and say where it answers once it does."""

from __future__ import annotations

import ipaddress
import threading
import time
import urllib.error
import urllib.request

import typer
import uvicorn

from app.cli.output import console
from app.config import get_settings

READY_TIMEOUT_S = 120.0


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
    """Polls /health until it answers 200, then prints the URLs (uvicorn has no hook)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                if answer.status == 200:
                    # Plain print: rich would wrap long URLs at the terminal's width.
                    print(ready_message(base), flush=True)
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    console.print(f"[yellow]the server did not answer {base}/health within {timeout_s:.0f} s")


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
    threading.Thread(target=announce_when_ready, args=(base,), daemon=True).start()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        # The same proxies the rate limit trusts (TRUSTED_PROXIES).
        forwarded_allow_ips=settings.proxy_hosts,
    )
