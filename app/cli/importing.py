"""`klimawerk import PATH`: bulk import of measures, all or nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import typer
from pyogrio.errors import DataLayerError, DataSourceError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.services.importing import import_file

PHASES = {
    "check": "checking features",
    "store": "checking and storing features",
}


def import_measures(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="GeoJSON, GeoPackage or Shapefile"
    ),
    partner: str | None = typer.Option(None, help="partner the measures are recorded for"),
    layer: str | None = typer.Option(None, help="layer of a multi-layer file"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check everything, store nothing"),
    publish: bool = typer.Option(False, help="store as published instead of submitted"),
) -> None:
    """Import measures from a file: every feature is stored, or none is."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=PHASES.get(phase, phase), completed=done, total=total)

        with expected_errors(asyncpg.PostgresError, DataSourceError, DataLayerError, ValueError):
            report = asyncio.run(
                import_file(
                    get_settings().dsn,
                    path,
                    partner=partner,
                    layer=layer,
                    dry_run=dry_run,
                    publish=publish,
                    progress=progress,
                )
            )
    console.print(f"read {report.read:,} features ({report.crs})")
    if report.ignored_columns:
        console.print(f"ignored columns: {', '.join(report.ignored_columns)}")
    if report.rejected:
        table = Table("feature", "where", "problem")
        for r in report.rejected[:50]:
            table.add_row(str(r["feature"]), r["where"], r["problem"])
        console.print(table)
        more = len(report.rejected) - 50
        fail(
            f"nothing imported: {len({r['feature'] for r in report.rejected})} features were "
            f"refused" + (f" ({more} more problems not shown)" if more > 0 else "")
        )
    if dry_run:
        console.print(f"dry run: all {report.read:,} features would be imported")
    else:
        console.print(f"imported {report.imported:,} measures")
