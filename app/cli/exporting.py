"""`klimawerk export`: measures to GeoJSON, CSV or GeoPackage, in flat memory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import typer

from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.query.measure import MeasureQuery, Visibility
from app.services import exporting


def export_measures(
    format: str = typer.Option(..., "--format", help="geojson, csv, csv-de (German Excel) or gpkg"),
    output: Path = typer.Option(..., "-o", "--output", help="file to write"),
    municipality: list[str] = typer.Option([], help="8-digit AGS (repeat for several)"),
    all_states: bool = typer.Option(False, "--all", help="also submitted and rejected"),
) -> None:
    """Export measures (published ones unless --all)."""
    if format not in exporting.FORMATS:
        fail(f"--format must be one of {', '.join(exporting.FORMATS)}")
    query = MeasureQuery(municipality=municipality, visibility=Visibility(everything=all_states))

    async def run() -> int:
        conn = await asyncpg.connect(get_settings().dsn)
        try:
            if format == "gpkg":
                output.unlink(missing_ok=True)
                return await exporting.write_gpkg(conn, query, output)
            chunks = exporting.text_chunks(format)
            size = 0
            with output.open("wb") as handle:
                async for chunk in chunks(conn, query):
                    size += handle.write(chunk)
            return size
        finally:
            await conn.close()

    with expected_errors(asyncpg.PostgresError):
        result = asyncio.run(run())
    what = f"{result:,} measures" if format == "gpkg" else f"{result:,} bytes"
    console.print(f"wrote {what} to {output}")
