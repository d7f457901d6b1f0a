"""Exports prepared in full, in a worker process, before the first byte is sent.

A download that streams straight from a database cursor holds a connection for as long
as the client takes to read; ten clients that never read held every connection. Here a
worker process reads the rows (one transaction, its own connection, the export's
statement timeout) into a temporary file, and only the file waits for the client. The
process also keeps the CPU work (CSV lines, GeoPackage columns) off the event loop.

The files themselves are bounded too (`ExportDisk`): their total size per process has
a cap, and a file is removed when its download ends, when the client goes away, when
the client reads nothing for the stall timeout, or at the download deadline; 60 stalled
downloads once held 1.18 GB of disk.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from app.db.session import single_connection
from app.errors import Unavailable
from app.query.measure import MeasureQuery
from app.services import exporting
from app.services.worker_processes import WorkerProcesses

log = logging.getLogger("klimawerk")

READ_CHUNK = 1 << 16
# How long a refused export should wait: about the time a stalled download is kept.
RETRY_AFTER_S = 30


class ExportExpired(ConnectionAbortedError):
    """The download was dropped (stalled or past its deadline): its file is gone."""


class ExportDisk:
    """The bytes of prepared export files this process keeps, against a cap."""

    def __init__(self, cap_bytes: int, stall_s: float, deadline_s: float) -> None:
        self.cap_bytes = cap_bytes
        self.stall_s = stall_s
        self.deadline_s = deadline_s
        self.held = 0

    def check_room(self) -> None:
        """A 503 with Retry-After when the files kept already fill the cap."""
        if self.held >= self.cap_bytes:
            raise Unavailable(
                "too many exports are waiting for their clients; retry shortly",
                retry_after=RETRY_AFTER_S,
            )

    def keep(self, handle: IO[bytes], size: int) -> ExportFile:
        """Count a prepared file (a 503 when it does not fit under the cap)."""
        if self.held + size > self.cap_bytes:
            handle.close()
            raise Unavailable(
                f"the export ({size / 1e6:.1f} MB) does not fit beside the exports waiting "
                "for their clients; retry shortly, or narrow it with filters",
                retry_after=RETRY_AFTER_S,
            )
        self.held += size
        return ExportFile(self, handle, size)


class ExportFile:
    """One prepared file: read by its download, closed (and its space freed) once."""

    def __init__(self, disk: ExportDisk, handle: IO[bytes], size: int) -> None:
        self.disk = disk
        self.handle = handle
        self.size = size
        self.expired = False
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + disk.deadline_s
        self.last_read = loop.time()
        self.timer = loop.call_later(disk.stall_s, self._check)

    def _check(self) -> None:
        now = asyncio.get_running_loop().time()
        ends = min(self.deadline, self.last_read + self.disk.stall_s)
        if now >= ends:
            log.warning("export dropped: the client read nothing for %s s", self.disk.stall_s)
            self.expired = True
            self.close()
            return
        self.timer = asyncio.get_running_loop().call_later(ends - now, self._check)

    def close(self) -> None:
        """Close the file (its space is freed) and give its bytes back; idempotent."""
        if self.handle.closed:
            return
        self.timer.cancel()
        self.handle.close()
        self.disk.held -= self.size

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes; closes it at the end, when the client goes away, or once
        the client stalled (then the stream breaks off, so that the client does not
        take a cut file for a whole one)."""
        try:
            while True:
                if self.expired:
                    raise ExportExpired("the download stalled and was dropped")
                chunk = self.handle.read(READ_CHUNK)
                if not chunk:
                    return
                self.last_read = asyncio.get_running_loop().time()
                yield chunk
        finally:
            self.close()


async def _write(dsn: str, query: MeasureQuery, fmt: str, timeout_s: float, path: Path) -> None:
    async with single_connection(dsn, timeout_s) as conn:
        if fmt == "gpkg":
            await exporting.write_gpkg(conn, query, path)
            return
        chunks = exporting.text_chunks(fmt)
        with path.open("wb") as out:
            async for chunk in chunks(conn, query):
                out.write(chunk)


def write_file(dsn: str, query: MeasureQuery, fmt: str, timeout_s: float, path: Path) -> None:
    """Write the export to `path` (runs in a worker process)."""
    asyncio.run(_write(dsn, query, fmt, timeout_s, path))


async def prepare(
    workers: WorkerProcesses,
    disk: ExportDisk,
    dsn: str,
    query: MeasureQuery,
    fmt: str,
    timeout_s: float,
) -> ExportFile:
    """The whole export as a kept file at its start; its download closes it."""
    disk.check_room()
    folder = Path(tempfile.mkdtemp(prefix="klimawerk-export-"))
    try:
        path = folder / f"measures.{fmt}"
        await workers.run(write_file, dsn, query, fmt, timeout_s, path)
        # Open, then remove: the disk space is freed when the file is closed, however
        # the download ends (a crash included).
        handle = path.open("rb")
        return disk.keep(handle, path.stat().st_size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
