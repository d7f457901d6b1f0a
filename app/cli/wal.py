"""`klimawerk db basebackup` and `klimawerk db recover`: point-in-time recovery of the
embedded primary from its WAL archive (app/db/wal_archive.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from app.cli.numbers import whole_number
from app.cli.output import console, expected_errors, fail
from app.config import Settings, get_settings
from app.db import wal_archive
from app.db.cluster import ClusterError, embedded_cluster


def _archive(settings: Settings) -> wal_archive.WalArchive:
    return wal_archive.WalArchive(settings.wal_archive_dir or settings.data_dir / "wal-archive")


def basebackup() -> None:
    """Switch WAL archiving on (once: restarts the primary) and take a base backup;
    keeps the newest BACKUP_RETENTION of them and the WAL they need."""
    settings = get_settings()
    if not settings.uses_embedded_cluster:
        fail(
            "DATABASE_URL is set: archive that server's WAL with its own tools "
            "(README, Operations); this command manages the embedded cluster"
        )
    archive = _archive(settings)
    with expected_errors(ClusterError):
        primary = embedded_cluster(settings)
        if not primary.is_running():
            fail("the primary is not running: klimawerk db start")
        if wal_archive.enable(primary, archive):
            console.print(f"WAL archiving switched on (primary restarted): {archive.wal}")
        made = wal_archive.take_base_backup(primary, archive, settings.backup_retention)
    kept = archive.base_backups()
    size = sum(f.stat().st_size for f in made.iterdir()) / 1e6
    console.print(f"base backup {made.name}: {size:,.1f} MB; {len(kept)} kept in {archive.base}")


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            "an ISO 8601 time with a zone, e.g. 2026-12-06T10:15:00+01:00 or 2026-12-06T09:15Z"
        ) from None
    if moment.tzinfo is None:
        raise typer.BadParameter("give the zone too (…+01:00 or …Z): the server keeps UTC")
    return moment


def recover(
    to: str = typer.Option(..., "--to", help="ISO 8601 time with zone to recover to"),
    into: Path = typer.Option(..., "--into", file_okay=False, help="a new directory"),
    port: int = typer.Option(
        ..., "--port", parser=whole_number(1024, 65535), help="its port (loopback)"
    ),
) -> None:
    """Make a new cluster in DIR on PORT holding the primary as it was at TIME (just
    before it); the running primary is not touched."""
    moment = _when(to)
    settings = get_settings()
    if port in (settings.embedded_port, settings.embedded_port + 1):
        fail(f"port {port} is the primary's or its replica's; choose another")
    with expected_errors(ClusterError):
        primary = embedded_cluster(settings) if settings.uses_embedded_cluster else None
        recovered = wal_archive.recover(_archive(settings), moment, into, port, primary)
    console.print(f"recovered to {moment.isoformat()}: {recovered.url}")
    console.print(
        "check it, then copy what was lost back (klimawerk db backup with DATABASE_URL "
        "set to it) or serve it; stop it with pg_ctl -D " + str(recovered.pgdata) + " stop",
        soft_wrap=True,
    )
