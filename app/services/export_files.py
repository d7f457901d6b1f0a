"""Exports prepared in full, in a worker process, before the first byte is sent.

A download that streams straight from a database cursor holds a connection for as long
as the client takes to read; ten clients that never read held every connection. Here a
worker process reads the rows (one transaction, its own connection, the export's
statement timeout) into a temporary file, and only the file waits for the client. The
process also keeps the CPU work (CSV lines, GeoPackage columns) off the event loop.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from app.db.session import single_connection
from app.query.measure import MeasureQuery
from app.services import exporting
from app.services.worker_processes import WorkerProcesses

READ_CHUNK = 1 << 16


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
    workers: WorkerProcesses, dsn: str, query: MeasureQuery, fmt: str, timeout_s: float
) -> IO[bytes]:
    """The whole export as an open file at its start; the caller closes it."""
    folder = Path(tempfile.mkdtemp(prefix="klimawerk-export-"))
    try:
        path = folder / f"measures.{fmt}"
        await workers.run(write_file, dsn, query, fmt, timeout_s, path)
        # Open, then remove: the disk space is freed when the download closes the file,
        # however the download ends.
        return path.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def file_chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    """The file's bytes in chunks; closes it at the end or when the client goes away."""
    try:
        while chunk := handle.read(READ_CHUNK):
            yield chunk
    finally:
        handle.close()
