"""`klimawerk db start|stop|status|migrate`: the embedded cluster and the schema."""

from __future__ import annotations

import asyncio

import asyncpg
import typer

from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.db.cluster import Cluster, ClusterError, embedded_cluster
from app.services.loading import migrate as run_migrations

app = typer.Typer(help="Start, stop and migrate the database.", no_args_is_help=True)


def _cluster() -> Cluster:
    return embedded_cluster(get_settings())


@app.command()
def start() -> None:
    """Start the project-local PostGIS cluster under .data/ (no-op with DATABASE_URL)."""
    settings = get_settings()
    if not settings.uses_embedded_cluster:
        console.print("DATABASE_URL is set: using that database, no local cluster started.")
        return
    with expected_errors(ClusterError):
        started = _cluster().start()
    console.print(("started " if started else "already running: ") + _cluster().url)


@app.command()
def stop() -> None:
    """Stop the project-local cluster."""
    with expected_errors(ClusterError):
        stopped = _cluster().stop()
    console.print("stopped" if stopped else "not running")


@app.command()
def status() -> None:
    """Print the database URL in use and whether it answers."""
    settings = get_settings()
    console.print(f"url: {settings.dsn}")
    if settings.uses_embedded_cluster:
        with expected_errors(ClusterError):
            running = _cluster().is_running()
        console.print(
            f"embedded cluster: {'running' if running else 'stopped'} ({settings.data_dir / 'pg'})"
        )
    try:
        version = asyncio.run(_postgis_version(settings.dsn))
    except (OSError, asyncpg.PostgresError) as exc:
        fail(f"database not reachable: {exc}")
    console.print(f"postgis: {version}")


async def _postgis_version(dsn: str) -> str:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        return str(await conn.fetchval("SELECT postgis_lib_version()"))
    finally:
        await conn.close()


@app.command()
def migrate() -> None:
    """Apply all migrations and sync the measure-type catalogue."""
    settings = get_settings()
    with expected_errors(asyncpg.PostgresError, ValueError):
        run_migrations(settings.dsn)
    console.print("schema up to date")
