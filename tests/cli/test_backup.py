"""The restore drill: back up, lose a city's measures and a day of history by mistake,
restore into a fresh database and find everything as it was."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from app.cli.main import app
from app.config import get_settings
from app.db.databases import create_database
from app.services import loading
from app.services.backup import manifest_path
from tests.factories import create_key

runner = CliRunner(env={"COLUMNS": "200"})
GELSENKIRCHEN = "05513000"
SOURCE, RESTORED = "klimawerk_test_backup", "klimawerk_test_restored"
A_DAY = "2026-06-01"


async def _prepare(url: str) -> str:
    """1,500 demo measures, two rounds of edits (one of them on A_DAY), baselines, a key."""
    await loading.load_boundaries(url)
    await loading.load_demo(url, 1500, 5, workers=1)
    await loading.load_demo_baselines(url)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        _, secret = await create_key(pool, "Emschergenossenschaft", "admin")
        edit = (
            "UPDATE measures SET version = version + 1, updated_at = $1::timestamptz,"
            " title = title || ' (rev)' WHERE id IN (SELECT id FROM measures ORDER BY id LIMIT 400)"
        )
        await pool.execute(edit, _at(f"{A_DAY}T10:00:00+00:00"))
        await pool.execute(edit, _at("2026-06-02T09:00:00+00:00"))
    finally:
        await pool.close()
    return secret


def _at(text: str) -> object:
    from datetime import datetime

    return datetime.fromisoformat(text)


async def _state(url: str) -> dict[str, object]:
    """Every measure's content and version and the history counts."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET TimeZone = 'UTC'")
        measures = {
            r["id"]: (r["version"], r["content"])
            for r in await conn.fetch("SELECT id, version, md5(m::text) AS content FROM measures m")
        }
        history = dict(
            await conn.fetch("SELECT measure_id, count(*) FROM measure_history GROUP BY 1")
        )
        keys = await conn.fetch("SELECT md5(k::text) FROM api_keys k ORDER BY id")
        baselines = await conn.fetchval("SELECT count(*) FROM municipality_baselines")
        migration = await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    return {
        "measures": measures,
        "history": history,
        "keys": [r[0] for r in keys],
        "baselines": baselines,
        "migration": migration,
    }


async def _mistake(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DELETE FROM measures WHERE municipality = $1", GELSENKIRCHEN)
        await conn.execute(
            "DELETE FROM measure_history WHERE (changed_at AT TIME ZONE 'UTC')::date = $1",
            _at(A_DAY).date(),
        )
    finally:
        await conn.close()


@pytest.fixture
def source(dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A registry database of its own (the CLI points at it) and its admin key."""
    url = asyncio.run(create_database(get_settings(), SOURCE, replace=True))
    loading.migrate(url)
    secret = asyncio.run(_prepare(url))
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url, secret
    get_settings.cache_clear()


def test_restore_drill_brings_back_every_measure_and_its_history(
    source: tuple[str, str], tmp_path: Path
) -> None:
    url, secret = source
    before = asyncio.run(_state(url))
    assert len(before["measures"]) == 1500 and sum(before["history"].values()) == 800
    dump = tmp_path / "registry.dump"

    made = runner.invoke(app, ["db", "backup", "-o", str(dump)])
    assert made.exit_code == 0, made.output
    assert "verified" in made.output and manifest_path(dump).is_file()
    assert secret.encode() not in dump.read_bytes()  # keys are stored as hashes only

    asyncio.run(_mistake(url))
    damaged = asyncio.run(_state(url))
    assert len(damaged["measures"]) < 1500 and sum(damaged["history"].values()) < 800 + 1500

    restored = runner.invoke(app, ["db", "restore", str(dump), "--database", RESTORED, "--replace"])
    assert restored.exit_code == 0, restored.output
    assert "verified: every table equals the backup" in restored.output
    after = asyncio.run(_state(get_settings().dsn_of(RESTORED)))
    assert after == before


def test_a_restore_never_overwrites_an_existing_database(
    source: tuple[str, str], tmp_path: Path
) -> None:
    dump = tmp_path / "registry.dump"
    assert runner.invoke(app, ["db", "backup", "-o", str(dump)]).exit_code == 0
    refused = runner.invoke(app, ["db", "restore", str(dump), "--database", SOURCE])
    assert refused.exit_code == 1 and "exists" in refused.output
    assert "Traceback" not in refused.output


def test_a_changed_restore_is_reported(source: tuple[str, str], tmp_path: Path) -> None:
    dump = tmp_path / "registry.dump"
    assert runner.invoke(app, ["db", "backup", "-o", str(dump)]).exit_code == 0
    manifest = manifest_path(dump)
    manifest.write_text(manifest.read_text().replace('"rows": 1500', '"rows": 1499'))
    result = runner.invoke(app, ["db", "restore", str(dump), "--database", RESTORED, "--replace"])
    assert result.exit_code == 1
    # Rich wraps at the terminal's width (80 on a test worker): read it as one line.
    said = " ".join(result.output.split())
    assert "public.measures: 1500 rows restored, 1499 backed up" in said


@pytest.mark.parametrize(
    "args",
    [
        ["--database", ""],
        ["--database", " "],
        ["--database", "a b"],
        ["--database", "klimawerk;drop"],
        ["--database", "٣"],
        ["--database", "x" * 5000],
        ["--database", "a", "--url", "postgresql://h/x"],
        ["--url", "http://example.org/x"],
        ["--url", "postgresql://127.0.0.1:1/"],
        ["--jobs", "0"],
        ["--jobs", "-1"],
        ["--jobs", "²"],
        ["--jobs", "1" * 5000],
        ["--jobs", "two"],
        ["--jobs", "٣"],
        ["--jobs", "1_0"],
        ["--jobs", "+2"],
        ["--jobs", " "],
        ["--jobs", "17"],
    ],
)
def test_hostile_restore_options_are_refused_cleanly(
    args: list[str], tmp_path: Path, use_test_database: None
) -> None:
    dump = tmp_path / "any.dump"
    dump.write_bytes(b"PGDMP")
    result = runner.invoke(app, ["db", "restore", str(dump), *args])
    # Refused for what it is: typer's usage error (2) or a one-line error (1), no trace.
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "is not a readable backup" not in result.output, "checked too late"


def test_restoring_what_is_not_a_backup_fails_cleanly(
    tmp_path: Path, use_test_database: None
) -> None:
    missing = runner.invoke(app, ["db", "restore", str(tmp_path / "nope.dump")])
    assert missing.exit_code == 1 and "no such backup file" in missing.output
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump")
    result = runner.invoke(app, ["db", "restore", str(junk), "--database", RESTORED, "--replace"])
    assert result.exit_code == 1 and "is not a readable backup" in result.output, result.output
