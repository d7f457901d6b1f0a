"""Point-in-time recovery of the embedded primary: PostgreSQL's own WAL archiving
(`archive_command`) plus `pg_basebackup` base backups, with a retention.

Layout of the archive directory (WAL_ARCHIVE_DIR, default `.data/wal-archive`):
    wal/                    every WAL segment the primary finished (archive_command)
    base/<UTC time>/        base backups (`pg_basebackup -Ft -z`), newest last
A recovery extracts the newest base backup taken before the target time into a new
data directory and replays the archived WAL up to that time (`recovery_target_time`),
then promotes it: a separate cluster on a port of its own, the primary untouched.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.db.cluster import Cluster, ClusterError, find_pg_bin

# A finished segment is archived at the latest after this long, even when idle: it
# bounds how much of the last minute a lost disk can take with it.
ARCHIVE_TIMEOUT_S = 60
LABEL_FORMAT = "%Y%m%dT%H%M%SZ"
RECOVERY_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class WalArchive:
    """The archive directory of one primary."""

    root: Path

    @property
    def wal(self) -> Path:
        return self.root / "wal"

    @property
    def base(self) -> Path:
        return self.root / "base"

    def base_backups(self) -> list[tuple[datetime, Path]]:
        """The finished base backups, oldest first, by the time they ended."""
        found = []
        for path in self.base.glob("*/base.tar.gz"):
            try:
                taken = datetime.strptime(path.parent.name, LABEL_FORMAT).replace(tzinfo=UTC)
            except ValueError:
                continue  # not one of ours, or one being written (".partial")
            found.append((taken, path.parent))
        return sorted(found)


def archive_command(archive: WalArchive) -> str:
    """Copy a finished segment unless it is there already (never overwrite: a second
    primary pointed at the same archive must fail loudly, not mix timelines)."""
    return f"test ! -f '{archive.wal}/%f' && cp '%p' '{archive.wal}/%f'"


def enable(primary: Cluster, archive: WalArchive) -> bool:
    """Switch WAL archiving on for `primary` (running), restarting it when archiving was
    off; True when it restarted. The settings stay in postgresql.auto.conf."""
    for path in (archive.root, archive.wal, archive.base):
        path.mkdir(parents=True, exist_ok=True)
        primary.give_to_owner(path)
    command = archive_command(archive).replace("'", "''")
    was_on = primary.psql("postgres", "SHOW archive_mode") == "on"
    primary.psql("postgres", "ALTER SYSTEM SET archive_mode = 'on'")
    primary.psql("postgres", f"ALTER SYSTEM SET archive_command = '{command}'")
    primary.psql("postgres", f"ALTER SYSTEM SET archive_timeout = '{ARCHIVE_TIMEOUT_S}s'")
    primary.psql("postgres", "SELECT pg_reload_conf()")
    if was_on:
        return False
    primary.stop()  # archive_mode takes effect at a start only
    primary.start()
    return True


def take_base_backup(primary: Cluster, archive: WalArchive, keep: int) -> Path:
    """A compressed base backup into `base/<now>`, then the oldest beyond `keep` and the
    WAL only they needed are removed. Returns the new backup's directory."""
    label = datetime.now(UTC).strftime(LABEL_FORMAT)
    partial = archive.base / f"{label}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    primary.run_as_owner(
        [
            str(find_pg_bin() / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(partial),
            "-Ft",
            "-z",
            "-X",
            "fetch",  # the WAL to make the copy consistent goes inside it
            "-c",
            "fast",
            "-l",
            label,
        ]
    )
    final = archive.base / label
    partial.rename(final)
    prune(primary, archive, keep)
    return final


def prune(primary: Cluster, archive: WalArchive, keep: int) -> None:
    """Keep the newest `keep` base backups and the WAL from the oldest kept one on."""
    backups = archive.base_backups()
    for _, path in backups[:-keep]:
        shutil.rmtree(path)
    oldest = archive.base_backups()[:1]
    if not oldest:
        return
    label = oldest[0][1].name
    # The backup history file (`…​.backup`) names the first segment that backup needs.
    for history in sorted(archive.wal.glob("*.backup")):
        if f"LABEL: {label}" in history.read_text(errors="replace"):
            primary.run_as_owner(
                [str(find_pg_bin() / "pg_archivecleanup"), str(archive.wal), history.name]
            )
            break


def recover(
    archive: WalArchive,
    target: datetime,
    into: Path,
    port: int,
    primary: Cluster | None = None,
) -> Cluster:
    """A new cluster in `into` on `port`: the primary as it was at `target`, promoted.

    When `primary` runs, its current segment is archived first, so that `target` may be
    as recent as a moment ago.
    """
    if target.tzinfo is None:
        raise ClusterError("the time needs a zone, e.g. 2026-12-06T10:15:00+01:00 or …Z")
    candidates = [(t, p) for t, p in archive.base_backups() if t < target]
    if not candidates:
        raise ClusterError(
            f"no base backup in {archive.base} was taken before {target.isoformat()}"
        )
    if primary is not None and primary.is_running():
        switched = primary.psql("postgres", "SELECT pg_walfile_name(pg_switch_wal())")
        _wait_archived(archive, switched)
    recovered = Cluster(into, port)
    if recovered.is_initialised():
        raise ClusterError(f"{recovered.pgdata} exists; recover into a new directory")
    recovered.prepare()
    recovered.pgdata.mkdir(mode=0o700)
    recovered.give_to_owner(recovered.pgdata)
    _, backup = candidates[-1]
    tarball = str(backup / "base.tar.gz")
    recovered.run_as_owner(["tar", "-xzf", tarball, "-C", str(recovered.pgdata)])
    settings = [
        f'restore_command = \'cp "{archive.wal}/%f" "%p"\'',
        f"recovery_target_time = '{target.astimezone(UTC).isoformat(sep=' ')}'",
        "recovery_target_action = 'promote'",
        "recovery_target_inclusive = off",
        # The recovered copy must never write into the primary's archive.
        "archive_mode = 'off'",
    ]
    recovered.append_settings(settings)
    recovered.run_as_owner(["touch", str(recovered.pgdata / "recovery.signal")])
    recovered.start(ensure=False)
    _wait_promoted(recovered)
    return recovered


def _wait_archived(archive: WalArchive, segment: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not (archive.wal / segment).exists():
        if time.monotonic() > deadline:
            raise ClusterError(
                f"WAL segment {segment} did not reach {archive.wal} within {timeout_s:.0f} s "
                "(is archiving on? see the primary's log)"
            )
        time.sleep(0.2)


def _wait_promoted(cluster: Cluster, timeout_s: float = RECOVERY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cluster.psql("postgres", "SELECT pg_is_in_recovery()") == "f":
            return
        time.sleep(0.5)
    raise ClusterError(f"recovery did not finish within {timeout_s:.0f} s; see {cluster.logfile}")
