"""`klimawerk serve`: run the API with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from app.config import get_settings


def serve(
    host: str | None = typer.Option(None, help="address to bind (default HOST or 127.0.0.1)"),
    port: int | None = typer.Option(None, help="port (default PORT or 8000)"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
) -> None:
    """Serve the registry over HTTP."""
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )
