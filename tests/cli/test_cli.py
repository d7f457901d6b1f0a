"""The `klimawerk` command line, run in-process with typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from app.config import get_settings

runner = CliRunner()


@pytest.mark.usefixtures("use_test_database")
def test_db_status_prints_url_and_postgis(dsn: str) -> None:
    result = runner.invoke(app, ["db", "status"])
    assert result.exit_code == 0, result.output
    assert dsn in result.output and "postgis: 3" in result.output


@pytest.mark.usefixtures("use_test_database")
def test_db_start_with_database_url_starts_nothing() -> None:
    result = runner.invoke(app, ["db", "start"])
    assert result.exit_code == 0
    assert "DATABASE_URL is set" in result.output


@pytest.mark.usefixtures("use_test_database")
def test_load_boundaries_and_migrate_are_idempotent() -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    result = runner.invoke(app, ["load", "boundaries"])
    assert result.exit_code == 0, result.output
    assert "17 municipalities" in result.output


def test_unreachable_database_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/nowhere")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["load", "boundaries"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "error:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("use_test_database")
def test_bad_boundary_file_is_a_clean_error(tmp_path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}')
    result = runner.invoke(app, ["load", "boundaries", str(bad)])
    assert result.exit_code == 1
    assert "no 8-digit `ags`" in result.output
