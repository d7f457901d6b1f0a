"""`klimawerk baseline set AGS …`: a municipality's sealed area, evaporation, precipitation."""

from __future__ import annotations

import asyncio

import asyncpg
import typer

from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.sql import statistics

app = typer.Typer(
    help="Baselines of the Klima.Werk targets per municipality.", no_args_is_help=True
)


@app.command("set")
def set_baseline(
    ags: str = typer.Argument(..., help="8-digit AGS, e.g. 05513000"),
    sealed_area_m2: float | None = typer.Option(None, help="sealed area connected to sewers"),
    source: str | None = typer.Option(None, help="where the sealed area comes from"),
    year: int | None = typer.Option(None, help="year the sealed area refers to"),
    evaporation_rate: float | None = typer.Option(None, help="evaporation share 0..1"),
    evaporation_source: str | None = typer.Option(None),
    precipitation_mm: float | None = typer.Option(None, help="long-term annual precipitation"),
    precipitation_source: str | None = typer.Option(None),
    demo: bool = typer.Option(False, help="mark the values as demo values"),
) -> None:
    """Set (parts of) a baseline; values not given stay as they are."""
    if not (ags.isdigit() and len(ags) == 8):
        fail(f"AGS are 8 digits, got {ags!r}")
    if sealed_area_m2 is not None and not source:
        fail("a sealed area needs --source (document, year)")
    values = {
        "sealed_area_m2": sealed_area_m2,
        "sealed_source": source,
        "sealed_year": year,
        "evaporation_rate": evaporation_rate,
        "evaporation_source": evaporation_source,
        "precipitation_mm": precipitation_mm,
        "precipitation_source": precipitation_source,
        "is_demo": demo,
    }

    async def run() -> asyncpg.Record:
        conn = await asyncpg.connect(get_settings().dsn)
        try:
            return await statistics.upsert_baseline(conn, ags, values)
        finally:
            await conn.close()

    with expected_errors(asyncpg.PostgresError):
        try:
            row = asyncio.run(run())
        except asyncpg.ForeignKeyViolationError:
            fail(f"no municipality {ags}")
        except asyncpg.CheckViolationError as exc:
            fail(f"implausible value: {exc.constraint_name}")
    console.print(
        f"baseline of {ags}: sealed {row['sealed_area_m2']} m² "
        f"({row['sealed_source']}), precipitation {row['precipitation_mm']} mm"
        + (" [demo]" if row["is_demo"] else "")
    )
