"""A short soak in every test run: mixed clients, the database crashed midway (`make soak`)."""

from __future__ import annotations

import os

from bench import soak

# Long enough for writes before, during and after the restart; `make soak` runs 60 s.
SECONDS = float(os.environ.get("SOAK_TEST_SECONDS", "20"))


async def test_no_acknowledged_write_is_lost_and_no_5xx_but_503() -> None:
    result = await soak.run(SECONDS)
    assert result["bad_5xx"] == [], result
    assert result["acknowledged_creates"] > 0 and result["acknowledged_patches"] > 0, result
    assert result["missing_creates"] == 0 and result["lost_patches"] == 0, result
    assert result["half_stored"] == 0, result
    assert result["recovered"], result
    assert result["passed"], result
