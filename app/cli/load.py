"""`klimawerk load boundaries|demo`: reference and synthetic data."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import typer

from app.cli.output import console, expected_errors
from app.config import get_settings
from app.services import loading

app = typer.Typer(help="Load municipality boundaries and demo measures.", no_args_is_help=True)


@app.command()
def boundaries(
    path: Path = typer.Argument(
        loading.DEFAULT_BOUNDARIES,
        exists=True,
        dir_okay=False,
        help="GeoJSON with `ags` and `name` properties",
    ),
) -> None:
    """Load the municipality boundaries (BKG VG250 extract by default; idempotent)."""
    with expected_errors(asyncpg.PostgresError, ValueError):
        total = asyncio.run(loading.load_boundaries(get_settings().dsn, path))
    console.print(f"{total} municipalities loaded from {path.name}")


@app.command("demo")
def demo_measures(
    count: int = typer.Option(20_000, min=0, max=5_000_000, help="number of measures"),
    seed: int = typer.Option(1, min=0, help="same seed, same data"),
) -> None:
    """Replace the synthetic demo measures (source "demo"); a no-op when already loaded."""
    started = time.perf_counter()
    with (
        console.status(f"generating {count:,} demo measures…"),
        expected_errors(asyncpg.PostgresError, ValueError),
    ):
        result = asyncio.run(loading.load_demo(get_settings().dsn, count, seed))
    seconds = time.perf_counter() - started
    if result.skipped:
        console.print(f"{count:,} demo measures of seed {seed} already loaded")
    else:
        rate = result.inserted / seconds if seconds else 0
        console.print(
            f"{result.inserted:,} demo measures loaded in {seconds:.1f} s "
            f"({rate:,.0f}/s; {result.deleted:,} old demo measures replaced)"
        )


@app.command("demo-baselines")
def demo_baselines() -> None:
    """Demo sealed areas for municipalities without a baseline (marked as demo values)."""
    with expected_errors(asyncpg.PostgresError, ValueError):
        changed = asyncio.run(loading.load_demo_baselines(get_settings().dsn))
    if changed:
        console.print(f"demo baselines set for {len(changed)} municipalities")
    else:
        console.print("every municipality already has a baseline")
