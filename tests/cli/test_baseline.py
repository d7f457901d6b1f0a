"""`klimawerk baseline set` stores a sourced baseline and refuses implausible ones."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from typer.testing import CliRunner

from app.cli.main import app

runner = CliRunner()


@pytest.mark.usefixtures("use_test_database")
async def test_set_update_and_refuse(pool: asyncpg.Pool) -> None:
    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["baseline", "set", *args])

    try:
        ok = await asyncio.to_thread(
            invoke,
            "05916000",
            "--sealed-area-m2",
            "21000000",
            "--source",
            "Versiegelungskataster 2023",
            "--year",
            "2023",
        )
        assert ok.exit_code == 0, ok.output
        again = await asyncio.to_thread(
            invoke, "05916000", "--precipitation-mm", "820", "--climate-source", "DWD 1991-2020"
        )
        assert again.exit_code == 0, again.output
        row = await pool.fetchrow("SELECT * FROM municipality_baselines WHERE ags = '05916000'")
        assert (row["sealed_area_m2"], row["sealed_source"], row["precipitation_mm"]) == (
            21_000_000,
            "Versiegelungskataster 2023",
            820,
        )
        unsourced = await asyncio.to_thread(invoke, "05916000", "--sealed-area-m2", "5")
        assert unsourced.exit_code == 1 and "sealed_source" in unsourced.output
        unsourced_climate = await asyncio.to_thread(invoke, "05916000", "--etp-mm", "600")
        assert unsourced_climate.exit_code == 1 and "climate_source" in unsourced_climate.output
        silly = await asyncio.to_thread(
            invoke, "05916000", "--precipitation-mm", "9000", "--climate-source", "x"
        )
        assert silly.exit_code == 1 and "1700" in silly.output
        unknown = await asyncio.to_thread(
            invoke, "09999999", "--precipitation-mm", "800", "--climate-source", "x"
        )
        assert unknown.exit_code == 1 and "no municipality" in unknown.output
    finally:
        await pool.execute("DELETE FROM municipality_baselines")
