"""The room for prepared export files: a cap in bytes, and files closed when stalled."""

from __future__ import annotations

import asyncio
import io

import pytest

from app.errors import Unavailable
from app.services.export_files import ExportDisk, ExportExpired


def data(size: int) -> io.BytesIO:
    return io.BytesIO(b"x" * size)


async def test_files_beyond_the_cap_are_refused_with_retry_after() -> None:
    disk = ExportDisk(100, stall_s=60, deadline_s=600)
    first = disk.keep(data(60), 60)
    with pytest.raises(Unavailable) as refused:
        disk.keep(data(50), 50)
    assert refused.value.retry_after and refused.value.status == 503
    second = disk.keep(data(40), 40)
    assert disk.held == 100
    with pytest.raises(Unavailable):
        disk.check_room()  # full: refused before any work
    first.close()
    first.close()  # once only
    assert disk.held == 40
    disk.check_room()
    second.close()
    assert disk.held == 0


async def test_a_download_read_to_its_end_gives_its_room_back() -> None:
    disk = ExportDisk(1 << 20, stall_s=60, deadline_s=600)
    prepared = disk.keep(data(200_000), 200_000)
    assert len(b"".join([c async for c in prepared.chunks()])) == 200_000
    assert disk.held == 0 and prepared.handle.closed


async def test_a_stalled_download_is_closed_and_breaks_off() -> None:
    disk = ExportDisk(1 << 20, stall_s=0.2, deadline_s=600)
    prepared = disk.keep(data(200_000), 200_000)
    chunks = prepared.chunks()
    await anext(chunks)
    await asyncio.sleep(0.4)  # the client read nothing meanwhile
    assert disk.held == 0 and prepared.handle.closed
    with pytest.raises(ExportExpired):
        await anext(chunks)


async def test_a_download_past_its_deadline_is_closed_even_while_reading() -> None:
    disk = ExportDisk(1 << 20, stall_s=0.2, deadline_s=0.5)
    prepared = disk.keep(data(1 << 20), 1 << 20)

    async def read_slowly_but_steadily() -> None:
        async for _ in prepared.chunks():
            await asyncio.sleep(0.1)

    with pytest.raises(ExportExpired):
        await read_slowly_but_steadily()
    assert disk.held == 0
