"""Schemathesis against the served `/api` of the real server, writes included.

Every generated request (valid and invalid, for every operation) must get a status and a
media type that `/api` declares for it, and never a 5xx. The run is bounded in examples
per operation and in time so that it fits in `make test`. Its seed rotates: each run draws
one (printed in pytest's header), so runs try different examples; `FUZZ_SEED=<seed>` repeats
a run, and a failure names its seed and command in the assertion message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.factories import create_key

FUZZ_PARTNER = "Fuzz GmbH"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
MAX_SECONDS = int(os.environ.get("FUZZ_MAX_SECONDS", "120"))
# Chosen once per run in tests/conftest.py (pytest_configure), or given by the caller.
SEED = int(os.environ.get("FUZZ_SEED", "1"))


@pytest.fixture
async def partner_key(pool: asyncpg.Pool) -> AsyncIterator[str]:
    """A partner key whose measures are removed again after the run."""
    _, secret = await create_key(pool, FUZZ_PARTNER, "partner")
    yield secret
    ids = "SELECT id FROM measures WHERE partner = $1"
    await pool.execute(f"DELETE FROM measure_history WHERE measure_id IN ({ids})", FUZZ_PARTNER)
    await pool.execute("DELETE FROM measures WHERE partner = $1", FUZZ_PARTNER)


@pytest.mark.usefixtures("demo")
def test_served_api_holds_under_fuzzing(live_server: str, partner_key: str, tmp_path: Path) -> None:
    binary = Path(sys.executable).parent / "schemathesis"
    command = [
        str(binary if binary.exists() else shutil.which("schemathesis")),
        "run",
        f"{live_server}/api",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        str(SEED),
        "--no-shrink",
        # Hypothesis' health checks judge the generator, not the server: on a busy
        # machine "too slow" or "filter too much" would fail the run for nothing.
        "--suppress-health-check",
        "all",
        # No examples kept from earlier runs: a seed alone says what a run tried.
        "--generation-database",
        "none",
        # One worker: CPython 3.11 builds ASTs with a recursion counter that is not
        # thread-safe ("AST constructor recursion depth mismatch", gh-106905), and
        # schemathesis compiles code while generating; two threads made that a flake.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: Bearer {partner_key}",
        "--report",
        "ndjson",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS + 180)
    output = result.stdout + result.stderr
    tail = "\n".join(output.strip().splitlines()[-40:])
    assert result.returncode == 0, f"FUZZ_SEED={SEED}: {' '.join(command[:-6])}\n{tail}"
    counts = re.search(r"(\d+) generated, (\d+) passed", tail)
    assert counts and counts.group(1) == counts.group(2), tail
