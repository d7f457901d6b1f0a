"""The project-local PostgreSQL + PostGIS cluster under `.data/` (used when no DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.config import EMBEDDED_DATABASE, EMBEDDED_PORT, Settings, embedded_url


class ClusterError(RuntimeError):
    """The embedded cluster cannot be set up or started; the message says what to do."""


def find_pg_bin() -> Path:
    """The newest PostgreSQL server binaries that have PostGIS installed next to them."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*") if (p / "bin" / "initdb").exists()),
        key=lambda p: int(p.name) if p.name.isdigit() else 0,
        reverse=True,
    )
    for version in versions:
        if Path(f"/usr/share/postgresql/{version.name}/extension/postgis.control").exists():
            return version / "bin"
    raise ClusterError(
        "PostgreSQL with PostGIS is not installed. Install the Debian package "
        "`postgresql-15-postgis-3` (sudo apt-get install postgresql-15-postgis-3), "
        "or set DATABASE_URL to an existing PostGIS database."
    )


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Cluster:
    """A cluster in `data_dir/pg`, its socket and log beside it, listening on loopback only.

    With `primary` set it is a streaming replica of that cluster, made by
    `pg_basebackup -R` on first start.
    """

    data_dir: Path
    port: int = EMBEDDED_PORT
    primary: Cluster | None = None

    def replica(self) -> Cluster:
        """This cluster's streaming replica: `data_dir/replica`, on the next port."""
        return Cluster(self.data_dir / "replica", self.port + 1, primary=self)

    @property
    def is_standby(self) -> bool:
        """True while the cluster replays a primary's WAL (until promoted)."""
        return (self.pgdata / "standby.signal").exists()

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pg"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def logfile(self) -> Path:
        return self.data_dir / "postgres.log"

    @property
    def url(self) -> str:
        return embedded_url(self.port)

    @property
    def failover_url(self) -> str:
        """A multi-host URL over this primary and its replica that connects to whichever
        accepts writes: the API finds a promoted replica without a restart."""
        replica = self.replica()
        return (
            f"postgresql://postgres@127.0.0.1:{self.port},127.0.0.1:{replica.port}/"
            f"{EMBEDDED_DATABASE}?target_session_attrs=read-write"
        )

    def _run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        # PostgreSQL refuses to run as root, so root runs it as the `postgres` user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(prefix + args, text=True, capture_output=True)
        if check and result.returncode != 0:
            raise ClusterError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-1500:]}")
        return result

    def run_as_owner(self, args: list[str]) -> str:
        """Run a program as the cluster's owner (`postgres` when we are root); its output."""
        return self._run(args).stdout

    def give_to_owner(self, path: Path) -> None:
        """Hand `path` to the user the server runs as (it writes there)."""
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def prepare(self) -> None:
        """Create the data, socket and log places (owned by the server's user)."""
        self._prepare_dirs()

    def append_settings(self, lines: list[str]) -> None:
        """Add settings to postgresql.auto.conf (later lines win over earlier ones)."""
        path = self.pgdata / "postgresql.auto.conf"
        with path.open("a") as conf:
            conf.write("\n".join(["", *lines, ""]))

    def _prepare_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self.logfile.touch(exist_ok=True)
        if os.geteuid() == 0:
            for path in (self.data_dir, self.socket_dir, self.logfile):
                shutil.chown(path, "postgres", "postgres")
            if self.pgdata.exists():
                shutil.chown(self.pgdata, "postgres", "postgres")
            probe = subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-w", str(self.data_dir)],
                capture_output=True,
            )
            if probe.returncode != 0:
                raise ClusterError(
                    f"the `postgres` user cannot write {self.data_dir}; a parent folder is not "
                    "accessible to it. Move the checkout, or set DATABASE_URL."
                )

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._run(
            [str(find_pg_bin() / "pg_ctl"), "-D", str(self.pgdata), "status"], check=False
        )
        return result.returncode == 0

    def init(self) -> None:
        """Create the cluster files (trust auth on loopback, superuser `postgres`)."""
        self._prepare_dirs()
        self._run(
            [
                str(find_pg_bin() / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )

    def start(self, *, ensure: bool = True) -> bool:
        """Start the cluster (initialising it first); False when it was running already.
        `ensure`: create the registry database if missing (not while it recovers)."""
        bin_dir = find_pg_bin()
        if not self.is_initialised():
            if self.primary is not None:
                self.clone()
            else:
                self.init()
        else:
            self._prepare_dirs()
        if self.is_running():
            return False
        if _port_in_use(self.port):
            raise ClusterError(
                f"port {self.port} on 127.0.0.1 is taken by another program (another "
                "checkout's cluster?); stop it, set EMBEDDED_PORT, or set DATABASE_URL"
            )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=512MB -c max_connections=200 -c jit=off "
            # Bulk loads write a lot of WAL; fewer checkpoints keep them fast.
            "-c max_wal_size=4GB -c wal_compression=on"
            # A replica that reconnects (after a restart of either) finds the WAL it
            # missed for a while; without a slot, a dead replica cannot fill the disk.
            " -c wal_keep_size=1GB"
        )
        if self.is_standby:
            # A replica tells the primary which rows its queries still read, so that
            # vacuum on the primary does not cancel them.
            options += " -c hot_standby_feedback=on"
        self._run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(self.pgdata),
                "-o",
                options,
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        if ensure and not self.is_standby:  # a replica has the primary's databases
            self.ensure_database(EMBEDDED_DATABASE)
        return True

    def clone(self) -> None:
        """Make this replica's files from the running primary (`pg_basebackup -R`)."""
        assert self.primary is not None
        if not self.primary.is_running():
            raise ClusterError("the primary is not running: start it first (klimawerk db start)")
        self._prepare_dirs()
        self._run(
            [
                str(find_pg_bin() / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.pgdata),
                "-R",  # standby.signal and primary_conninfo: it streams from the primary
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )

    def promote(self) -> None:
        """Turn this replica into a primary that accepts writes."""
        if not self.is_running():
            raise ClusterError("the replica is not running")
        if not self.is_standby:
            raise ClusterError("this cluster is not a replica (promoted already?)")
        self._run([str(find_pg_bin() / "pg_ctl"), "-D", str(self.pgdata), "-w", "promote"])

    def stop(self) -> bool:
        """Stop the cluster; False when it was not running."""
        if not self.is_running():
            return False
        self._run(
            [str(find_pg_bin() / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"]
        )
        return True

    def psql(self, database: str, sql: str) -> str:
        """Run SQL through psql on the cluster and return its unaligned output."""
        result = self._run(
            [
                str(find_pg_bin() / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                sql,
            ]
        )
        return result.stdout.strip()

    def ensure_database(self, name: str) -> None:
        """Create database `name` with PostGIS unless it exists."""
        exists = self.psql("postgres", f"select 1 from pg_database where datname = '{name}'")
        if not exists:
            self.psql("postgres", f'create database "{name}"')
        self.psql(name, "create extension if not exists postgis")


def embedded_cluster(settings: Settings) -> Cluster:
    """The embedded cluster the settings describe (its data directory and port)."""
    return Cluster(settings.data_dir, settings.embedded_port)
