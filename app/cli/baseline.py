"""`klimawerk baseline set AGS …`: a municipality's sealed area, evaporation, climate and
undeveloped reference split. The values go through the same model as the admin HTTP
call (`PUT /statistics/baselines/{ags}`); options not given stay as they are."""

from __future__ import annotations

import asyncio

import asyncpg
import typer
from pydantic import ValidationError

from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.errors import NotFound
from app.schemas.baseline import BaselineInput
from app.services import baselines

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
    precipitation_mm: float | None = typer.Option(
        None, help="long-term annual precipitation P (500..1700 mm/a)"
    ),
    etp_mm: float | None = typer.Option(
        None, help="potential grass-reference evapotranspiration ETp (450..700 mm/a)"
    ),
    climate_source: str | None = typer.Option(None, help="where P and ETp come from"),
    precipitation_source: str | None = typer.Option(None, hidden=True),
    reference_runoff: float | None = typer.Option(None, help="undeveloped reference: runoff"),
    reference_infiltration: float | None = typer.Option(None, help="… infiltration"),
    reference_evaporation: float | None = typer.Option(None, help="… evaporation"),
    reference_source: str | None = typer.Option(None, help="where the reference comes from"),
    demo: bool | None = typer.Option(
        None, "--demo/--no-demo", help="mark the values as demo values (or not)"
    ),
) -> None:
    """Set (parts of) a baseline; values not given stay as they are."""
    if not (ags.isdigit() and len(ags) == 8):
        fail(f"AGS are 8 digits, got {ags!r}")
    given = {
        "sealed_area_m2": sealed_area_m2,
        "sealed_source": source,
        "sealed_year": year,
        "evaporation_rate": evaporation_rate,
        "evaporation_source": evaporation_source,
        "precipitation_mm": precipitation_mm,
        "etp_mm": etp_mm,
        "climate_source": climate_source,
        "precipitation_source": precipitation_source,
        "reference_runoff": reference_runoff,
        "reference_infiltration": reference_infiltration,
        "reference_evaporation": reference_evaporation,
        "reference_source": reference_source,
        "is_demo": demo,
    }
    try:
        baseline = BaselineInput(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        fail(
            "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'baseline'}: {e['msg']}" for e in exc.errors()
            )
        )

    async def run() -> dict:
        conn = await asyncpg.connect(get_settings().dsn)
        try:
            return await baselines.set_baseline(conn, ags, baseline)
        finally:
            await conn.close()

    with expected_errors(asyncpg.PostgresError):
        try:
            row = asyncio.run(run())
        except NotFound:
            fail(f"no municipality {ags}")
        except asyncpg.CheckViolationError as exc:
            fail(f"implausible value: {exc.constraint_name}")
    console.print(
        f"baseline of {ags}: sealed {row['sealed_area_m2']} m² "
        f"({row['sealed_source']}), precipitation {row['precipitation_mm']} mm, "
        f"ETp {row['etp_mm']} mm" + (" [demo]" if row["is_demo"] else "")
    )
