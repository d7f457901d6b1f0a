"""OGC API - Features Part 1 core, checked by an independent suite against the real server.

The suite is `ogctests` from PyPI. Its dependencies (an older httpx and pytest, geopandas)
clash with the project's, so `make test` installs it into its own venv, `.ogc-venv`,
and it runs there as a separate process against the uvicorn server of `live_server`.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

OGC_VENV = Path(__file__).resolve().parents[2] / ".ogc-venv"
RUN_SUITE = (
    "import sys; from ogctests.main import run_ogctests; "
    "sys.exit(run_ogctests(sys.argv[1], sys.argv[2], "
    "flags=['-q', '-p', 'no:cacheprovider', '-c', sys.argv[3], '-W', 'ignore']))"
)
CORE_TESTS = 29  # the abstract tests of ogctests 0.1.15's features/core


@pytest.mark.usefixtures("demo")
def test_ogcapi_features_part_1_core_passes_every_test(live_server: str, tmp_path: Path) -> None:
    python = OGC_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail("the OGC suite is not installed: `make test` installs it into .ogc-venv")
    result = subprocess.run(
        [python, "-c", RUN_SUITE, "features/core", live_server, os.devnull],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    passed = re.search(r"(\d+) passed", summary)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "failed" not in summary and "error" not in summary, summary
    assert passed and int(passed.group(1)) == CORE_TESTS, summary
