"""What lets the suite run on several pytest-xdist workers at once.

- Each worker gets a database of its own (`klimawerk_test_gw0`, …), copied with
  `CREATE DATABASE … TEMPLATE` from one migrated template with the boundaries loaded. The
  template is rebuilt only when the migrations, the boundaries or the code that loads them
  changed (a fingerprint in the template's comment), so a run copies rather than migrates.
- The self-contained slow groups (browser, cluster, soak, fuzz, the OGC suite, the overload
  drills) carry the `slow` mark, which `make test-fast` leaves out. `make test` runs with
  `--dist loadfile`: a file's tests stay on one worker (the cluster tests share one
  primary and replica, module fixtures start once), the slow files beside the rest.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from pathlib import Path

import asyncpg
import pytest

from app.config import Settings
from app.db.databases import create_database
from app.services import loading

ROOT = Path(__file__).resolve().parents[1]

# Path prefixes (relative to the checkout) of the slow groups, and the group's name.
SLOW_GROUPS = {
    "tests/browser/": "browser",
    "tests/cluster/": "cluster",
    "tests/test_soak.py": "soak",
    "tests/conformance/test_fuzz.py": "fuzz",
    "tests/conformance/test_ogc_suite.py": "ogc-suite",
    "tests/api/test_overload.py": "overload",
    "tests/api/test_server_survives.py": "overload",
}

# Files that must run alone, in a pass of their own after the parallel one (`make test`):
# latency drills under load (floods, overload, slow clients), which the other workers'
# load on two cores must not decide, and the point-in-time recovery, which restarts the
# cluster that tests/cluster/test_replication.py uses. They are slow as well.
TIMED_FILES = (
    "tests/cluster/test_recovery.py",
    "tests/guards/test_floods.py",
    "tests/api/test_overload.py",
    "tests/api/test_server_survives.py",
    "tests/http/test_slow_clients.py",
)

# What the template database is made of: a change here rebuilds it.
TEMPLATE_INPUTS = ("migrations", "geodata", "app/sql", "app/models", "app/db", "app/domain")
TEMPLATE_INPUTS_FILES = ("app/services/loading.py", "alembic.ini")


def new_seed() -> int:
    """A fresh fuzz seed for a run (printed in the header; FUZZ_SEED repeats it)."""
    return secrets.randbelow(2**31)


def worker_name(name: str) -> str:
    """`name` with the xdist worker's id appended (`name` itself outside xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


def group_items(items: list[pytest.Item]) -> None:
    """Mark the tests of the slow groups `slow`, and the latency drills `timed`."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if any(path.startswith(prefix) for prefix in SLOW_GROUPS):
            item.add_marker(pytest.mark.slow)
        if path in TIMED_FILES:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.timed)


def fingerprint() -> str:
    """A hash of every file the template database is built from."""
    digest = hashlib.sha256()
    files = [ROOT / name for name in TEMPLATE_INPUTS_FILES]
    for folder in TEMPLATE_INPUTS:
        files.extend(p for p in (ROOT / folder).rglob("*") if p.is_file())
    for path in sorted(files):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


async def database_from_template(settings: Settings, name: str) -> str:
    """Database `worker_name(name)`, fresh, copied from the migrated template; its URL."""
    template, target = f"{name}_template", worker_name(name)
    admin = await asyncpg.connect(settings.dsn_of("postgres"))
    try:
        # Advisory locks of the `postgres` database: the workers build the template once.
        await admin.execute("SELECT pg_advisory_lock(hashtext($1))", template)
        try:
            if await _template_comment(admin, template) != (wanted := fingerprint()):
                await _build_template(settings, admin, template, wanted)
            await admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
        finally:
            await admin.execute("SELECT pg_advisory_unlock(hashtext($1))", template)
    finally:
        await admin.close()
    return settings.dsn_of(target)


async def _template_comment(admin: asyncpg.Connection, template: str) -> str | None:
    return await admin.fetchval(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
        template,
    )


async def _build_template(
    settings: Settings, admin: asyncpg.Connection, template: str, mark: str
) -> None:
    """Migrate a new template and load the boundaries; no connection to it stays open."""
    url = await create_database(settings, template, replace=True)
    # Alembic runs its own event loop (asyncio.run): keep it off this one.
    await asyncio.to_thread(loading.migrate, url)
    await loading.load_boundaries(url)
    # The comment goes last: a build that failed halfway is rebuilt next time.
    await admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{mark}'")
