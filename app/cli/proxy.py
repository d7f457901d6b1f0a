"""`klimawerk proxy start|stop`: nginx with a tile cache in front of the API."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.output import console, expected_errors
from app.config import get_settings
from app.services import proxy

app = typer.Typer(help="nginx with a tile cache in front of the API.", no_args_is_help=True)


def _run_dir() -> Path:
    return get_settings().data_dir / "nginx"


@app.command()
def start(
    port: int | None = typer.Option(None, help="port nginx listens on (default PORT)"),
    upstream: list[str] = typer.Option(
        ..., help="host:port of an API instance (repeat for several)"
    ),
) -> None:
    """Start nginx on HOST:PORT in front of the given API instances."""
    settings = get_settings()
    listen = f"{settings.host}:{port or settings.port}"
    with expected_errors(proxy.ProxyError):
        conf = proxy.start(_run_dir(), listen, upstream)
    console.print(f"nginx on http://{listen} (tile cache), configuration {conf}")


@app.command()
def stop() -> None:
    """Stop the nginx started by `klimawerk proxy start`."""
    with expected_errors(proxy.ProxyError):
        console.print("stopped" if proxy.stop(_run_dir()) else "not running")
