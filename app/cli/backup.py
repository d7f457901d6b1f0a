"""`klimawerk db backup -o FILE` and `klimawerk db restore FILE`: logical backups that are
checked when made and compared table by table when restored."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.cli.numbers import whole_number
from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.db.routing import public_url
from app.services import backup as backups


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def backup(
    output: Path = typer.Option(
        ..., "--output", "-o", dir_okay=False, help="the backup file to write (pg_dump -Fc)"
    ),
) -> None:
    """Back up the whole registry database to FILE, with FILE.manifest.json beside it."""
    if output.exists() and output.is_dir():
        fail(f"{output} is a directory; name the backup file")
    started = time.monotonic()
    with _bar() as bar, expected_errors(backups.BackupError, asyncpg.PostgresError):
        task = bar.add_task("reading a consistent snapshot", total=None)

        def progress(done: int, total: int, table: str) -> None:
            bar.update(task, description=f"dumping {table}", completed=done, total=total)

        manifest = asyncio.run(backups.backup(get_settings().dsn, output, progress))
    seconds = time.monotonic() - started
    rows = sum(t["rows"] for t in manifest.tables.values())
    console.print(
        f"backed up {manifest.database} ({len(manifest.tables)} tables, {rows:,} rows, "
        f"migration {manifest.migration}) to {output}: "
        f"{output.stat().st_size / 1e6:,.1f} MB in {seconds:,.1f} s"
    )
    console.print(f"verified with pg_restore --list; manifest {backups.manifest_path(output)}")


def restore(
    file: Path = typer.Argument(..., dir_okay=False, help="a file of `klimawerk db backup`"),
    database: str | None = typer.Option(
        None,
        help="new database on the configured server (default klimawerk_restore_<time>)",
    ),
    url: str | None = typer.Option(
        None, help="postgresql://… of the new database, on any server (instead of --database)"
    ),
    replace: bool = typer.Option(
        False, "--replace", help="drop the target database first if it exists"
    ),
    jobs: int = typer.Option(2, parser=whole_number(1, 16), help="parallel pg_restore jobs"),
) -> None:
    """Restore FILE into a fresh database and compare every table with its manifest."""
    if database is not None and url is not None:
        fail("give --database or --url, not both")
    if not file.is_file():
        fail(f"{file}: no such backup file")
    settings = get_settings()
    if url is not None:
        if urlsplit(url).scheme not in ("postgresql", "postgres") or not urlsplit(url).path[1:]:
            fail("--url: a postgresql://…/DATABASE URL is needed")
        target = url
    else:
        name = f"klimawerk_restore_{datetime.now(UTC):%Y%m%d_%H%M%S}"
        if database is not None:
            name = database
        target = settings.dsn_of(name)
    manifest_file = backups.manifest_path(file)
    started = time.monotonic()
    with _bar() as bar, expected_errors(backups.BackupError, asyncpg.PostgresError):
        task = bar.add_task("creating the database", total=None)

        def progress(done: int, total: int, table: str) -> None:
            bar.update(task, description=f"restoring {table}", completed=done, total=total)

        found = asyncio.run(
            backups.restore(file, target, replace=replace, jobs=jobs, progress=progress)
        )
    seconds = time.monotonic() - started
    console.print(f"restored {file} into {public_url(target)} in {seconds:,.1f} s")
    if not manifest_file.is_file():
        console.print(f"[yellow]no manifest ({manifest_file}): rows were not compared")
        _table(found, None)
        return
    manifest = backups.Manifest.read(manifest_file)
    _table(found, manifest)
    problems = backups.differences(manifest, found)
    if problems:
        fail("the restored database differs from the backup: " + "; ".join(problems))
    console.print(
        f"verified: every table equals the backup of {manifest.created_at} "
        f"(migration {manifest.migration})"
    )
    console.print(f"serve it with DATABASE_URL={public_url(target)}", soft_wrap=True)


def _table(found: dict, manifest: backups.Manifest | None) -> None:
    table = Table("table", "rows", "as backed up")
    for name, got in found.items():
        want = manifest.tables.get(name) if manifest else None
        same = "—" if manifest is None else ("yes" if want == got else "[red]NO")
        table.add_row(name, f"{got['rows']:,}", same)
    console.print(table)
