"""Logical backups with `pg_dump -Fc` and their restore with `pg_restore`, verified.

A backup is the whole registry database: measures with their history, boundaries,
baselines, the type catalogue, API keys (as hashes: the keys themselves are never
stored) and the Alembic state. Beside it, `FILE.manifest.json` holds the row count and a
checksum of every table, taken in the very snapshot pg_dump dumps (`--snapshot`); a
restore compares the restored database with it, table by table.

The binaries come from the server's own major version (`/usr/lib/postgresql/N/bin`),
since pg_dump refuses a newer server and an older pg_restore cannot read a newer dump.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from app.db.routing import public_url

Progress = Callable[[int, int, str], None]
MANIFEST_SUFFIX = ".manifest.json"
PG_LIB = Path("/usr/lib/postgresql")
# Tables of the registry and their row checksums; extension tables (PostGIS's
# spatial_ref_sys) come back with the extension and are left out.
TABLES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
"""
# Order-free: the sum of a 60-bit slice of each row's md5, so that no table is sorted.
CHECKSUM = (
    "SELECT count(*) AS n, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)"
    "::bigint), 0)::text AS checksum FROM {table} t"
)
DUMPING = re.compile(r'dumping contents of table "?([^"\s]+)"?')
RESTORING = re.compile(r'processing data for table "?([^"\s]+)"?')


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


@dataclass
class Manifest:
    """What a backup holds: rows and checksum per table, as pg_dump saw them."""

    database: str
    created_at: str
    server_version: str
    migration: str | None
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        """Store it as JSON at `path`."""
        path.write_text(json.dumps(self.__dict__, indent=2) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest stored at `path`."""
        return cls(**json.loads(path.read_text()))


def manifest_path(backup: Path) -> Path:
    """Where the manifest of `backup` lies (beside it)."""
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


async def table_checksums(conn: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    """Rows and checksum of every registry table, in the connection's snapshot."""
    await conn.execute("SET TimeZone = 'UTC'")  # timestamps print the same on both sides
    found = {}
    for row in await conn.fetch(TABLES):
        table = row["name"]
        # `table` is a name the catalogue gave, quoted by quote_ident, not caller input.
        counted = await conn.fetchrow(CHECKSUM.format(table=table))
        found[table] = {"rows": counted["n"], "checksum": counted["checksum"]}
    return found


def pg_tool(name: str, server_version_num: int) -> Path:
    """`pg_dump`/`pg_restore` of the server's major version (or a newer one on PATH)."""
    major = server_version_num // 10000
    own = PG_LIB / str(major) / "bin" / name
    if own.exists():
        return own
    for version in sorted(PG_LIB.glob("*"), key=lambda p: p.name, reverse=True):
        candidate = version / "bin" / name
        if candidate.exists() and version.name.isdigit() and int(version.name) >= major:
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise BackupError(
        f"{name} of PostgreSQL {major} is not installed: apt-get install postgresql-client-{major}"
    )


def _libpq(dsn: str) -> tuple[str, dict[str, str]]:
    """The URL without its password and an environment with PGPASSWORD: a password on
    the command line would show in every process listing."""
    env = dict(os.environ)
    password = urlsplit(dsn).password
    if password:
        env["PGPASSWORD"] = password
    return public_url(dsn), env


async def _run_tool(
    args: list[str], env: dict[str, str], pattern: re.Pattern, on_table: Callable[[str], None]
) -> None:
    """Run a pg tool with --verbose, calling `on_table` for each table it reports."""
    process = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    errors: list[str] = []
    assert process.stderr is not None
    async for raw in process.stderr:
        line = raw.decode(errors="replace").rstrip()
        match = pattern.search(line)
        if match:
            on_table(match.group(1))
        elif "error" in line.lower() or "fatal" in line.lower():
            errors.append(line)
    if await process.wait() != 0:
        raise BackupError(f"{Path(args[0]).name} failed: " + ("; ".join(errors) or "see above"))


async def backup(dsn: str, out: Path, progress: Progress | None = None) -> Manifest:
    """Dump the database at `dsn` to `out` (custom format) with its manifest beside it;
    verified with `pg_restore --list` before it counts as made."""
    conn = await asyncpg.connect(dsn)
    try:
        version_num = int(await conn.fetchval("SHOW server_version_num"))
        # The manifest and pg_dump read one snapshot: this transaction exports it and
        # stays open until pg_dump has finished.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            tables = await table_checksums(conn)
            manifest = Manifest(
                database=await conn.fetchval("SELECT current_database()"),
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                server_version=await conn.fetchval("SHOW server_version"),
                migration=await _migration(conn),
                tables=tables,
            )
            url, env = _libpq(dsn)
            partial = out.with_name(out.name + ".partial")
            done = 0

            def dumped(table: str) -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(min(done, len(tables)), len(tables), table)

            await _run_tool(
                [
                    str(pg_tool("pg_dump", version_num)),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--verbose",
                    f"--file={partial}",
                    f"--dbname={url}",
                ],
                env,
                DUMPING,
                dumped,
            )
    finally:
        await conn.close()
    listed = await asyncio.to_thread(_list_entries, pg_tool("pg_restore", version_num), partial)
    missing = [t for t in tables if t.split(".")[-1].strip('"') not in listed]
    if missing:
        raise BackupError(f"the dump lacks the data of {', '.join(missing)}")
    partial.replace(out)  # only a verified dump takes the name
    manifest.write(manifest_path(out))
    return manifest


def _list_entries(pg_restore: Path, dump: Path) -> set[str]:
    """Names of the tables whose data the dump holds (`pg_restore --list`)."""
    result = subprocess.run(
        [str(pg_restore), "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{dump} is not a readable backup: {result.stderr.strip()}")
    # e.g. "4321; 0 16390 TABLE DATA public measures postgres"
    return {
        line.split()[-2]
        for line in result.stdout.splitlines()
        if " TABLE DATA " in line and not line.startswith(";")
    }


async def _migration(conn: asyncpg.Connection) -> str | None:
    if not await conn.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL"):
        return None
    return await conn.fetchval("SELECT string_agg(version_num, ',') FROM alembic_version")


def with_database(dsn: str, name: str) -> str:
    """`dsn` naming database `name` instead."""
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))


def database_name(target: str) -> str:
    """The database `target` names, refused unless a plain identifier (it is quoted into
    CREATE DATABASE, which takes no bound parameters)."""
    name = urlsplit(target).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name, flags=re.ASCII):
        shown = name if len(name) <= 70 else name[:70] + "…"
        raise BackupError(
            f"database name {shown!r}: use ASCII letters, digits and underscores, "
            "not starting with a digit, at most 63"
        )
    return name


async def create_empty(target: str, *, replace: bool) -> None:
    """Create the empty database of `target`; it must not exist unless `replace`."""
    name = database_name(target)
    admin = await asyncpg.connect(with_database(target, "postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not replace:
            raise BackupError(
                f"database {name} exists; restore into a new one (--database) or pass --replace"
            )
        if exists:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def restore(
    dump: Path,
    target: str,
    *,
    replace: bool = False,
    jobs: int = 2,
    progress: Progress | None = None,
) -> dict[str, dict[str, Any]]:
    """Restore `dump` into the new database `target`, analyse it and return its table
    checksums (compare them with the manifest: `differences`)."""
    if not dump.is_file():
        raise BackupError(f"{dump}: no such backup file")
    database_name(target)
    admin = await asyncpg.connect(with_database(target, "postgres"))
    try:
        version_num = int(await admin.fetchval("SHOW server_version_num"))
    finally:
        await admin.close()
    pg_restore = pg_tool("pg_restore", version_num)
    # Read before anything is created: a file that is no backup leaves nothing behind.
    total = len(await asyncio.to_thread(_list_entries, pg_restore, dump))
    await create_empty(target, replace=replace)
    url, env = _libpq(target)
    done = 0

    def restored(table: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(min(done, total), total, table)

    await _run_tool(
        [
            str(pg_restore),
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--verbose",
            f"--jobs={max(1, jobs)}",
            f"--dbname={url}",
            str(dump),
        ],
        env,
        RESTORING,
        restored,
    )
    conn = await asyncpg.connect(target)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            found = await table_checksums(conn)
        await conn.execute("ANALYZE")  # a restore brings no planner statistics
    finally:
        await conn.close()
    return found


def differences(manifest: Manifest, found: dict[str, dict[str, Any]]) -> list[str]:
    """Where the restored tables differ from the manifest (empty: identical)."""
    problems = []
    for table in sorted(set(manifest.tables) | set(found)):
        want, got = manifest.tables.get(table), found.get(table)
        if want is None or got is None:
            problems.append(f"{table}: {'not in the backup' if want is None else 'not restored'}")
        elif want != got:
            problems.append(
                f"{table}: {got['rows']} rows restored, {want['rows']} backed up"
                + ("" if want["rows"] != got["rows"] else " (contents differ)")
            )
    return problems
