"""`klimawerk db start|stop|status|promote|migrate|backup|restore`: the embedded cluster,
its replica, the schema and its backups."""

from __future__ import annotations

import asyncio

import asyncpg
import typer

from app.cli import backup, wal
from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.db.cluster import Cluster, ClusterError, embedded_cluster
from app.services.loading import migrate as run_migrations

app = typer.Typer(help="Start, stop, migrate and back up the database.", no_args_is_help=True)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("basebackup")(wal.basebackup)
app.command("recover")(wal.recover)


def _cluster() -> Cluster:
    return embedded_cluster(get_settings())


REPLICA = typer.Option(
    False, "--replica", help="the streaming replica on EMBEDDED_PORT+1 (made on first start)"
)


def _embedded_only() -> bool:
    if get_settings().uses_embedded_cluster:
        return True
    console.print("DATABASE_URL is set: using that database, no local cluster managed.")
    return False


@app.command()
def start(replica: bool = REPLICA) -> None:
    """Start the project-local PostGIS cluster under .data/ (no-op with DATABASE_URL);
    with --replica also its streaming replica."""
    if not _embedded_only():
        return
    with expected_errors(ClusterError):
        primary = _cluster()
        started = primary.start()
        console.print(("started " if started else "already running: ") + primary.url)
        if replica:
            standby = primary.replica()
            started = standby.start()
            console.print(("started replica " if started else "replica running: ") + standby.url)


@app.command()
def stop(replica: bool = REPLICA) -> None:
    """Stop the project-local cluster and its replica (--replica: the replica only)."""
    with expected_errors(ClusterError):
        standby = _cluster().replica()
        if standby.is_initialised():
            console.print("replica " + ("stopped" if standby.stop() else "not running"))
        if not replica:
            console.print("stopped" if _cluster().stop() else "not running")


@app.command()
def promote() -> None:
    """Promote the replica to a primary (after the primary failed, or to switch over).

    A multi-host DATABASE_URL with target_session_attrs=read-write (`klimawerk db status
    --replica` prints one) lets a running API find the new primary by itself.
    """
    with expected_errors(ClusterError):
        _cluster().replica().promote()
    console.print("promoted: the replica accepts writes now")


@app.command()
def status(replica: bool = REPLICA) -> None:
    """Print the database URL in use and whether it answers (--replica: the replica too)."""
    settings = get_settings()
    console.print(f"url: {settings.dsn}")
    if settings.uses_embedded_cluster:
        with expected_errors(ClusterError):
            running = _cluster().is_running()
        console.print(
            f"embedded cluster: {'running' if running else 'stopped'} ({settings.data_dir / 'pg'})"
        )
    try:
        console.print(f"postgis: {asyncio.run(_postgis_version(settings.dsn))}")
    except (OSError, asyncpg.PostgresError) as exc:
        if not replica:
            fail(f"database not reachable: {exc}")
        # After a failover the replica is what matters: show it, then fail.
        console.print(f"database not reachable: {exc}")
        _replica_status()
        raise typer.Exit(1) from None
    if replica:
        _replica_status()


def _replica_status() -> None:
    standby = _cluster().replica()
    with expected_errors(ClusterError):
        running = standby.is_running()
    console.print(f"replica url: {standby.url}")
    console.print(f"replica: {'running' if running else 'stopped'} ({standby.pgdata})")
    console.print(f"failover url: {_cluster().failover_url}", soft_wrap=True)
    if not running:
        return
    try:
        role, lag = asyncio.run(_replica_state(standby.url))
    except (OSError, asyncpg.PostgresError) as exc:
        fail(f"replica not reachable: {exc}")
    console.print(f"replica role: {role}, replay lag: {lag}")


async def _replica_state(dsn: str) -> tuple[str, str]:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        row = await conn.fetchrow(
            "SELECT pg_is_in_recovery() AS standby,"
            " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN '0 s'"
            " ELSE (now() - pg_last_xact_replay_timestamp())::text END AS lag"
        )
    finally:
        await conn.close()
    return ("replica" if row["standby"] else "primary (promoted)"), str(row["lag"])


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
