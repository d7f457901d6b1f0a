"""Worker processes for CPU-heavy work: export files and HTML of big pages.

A thread does not help here: writing a GeoPackage or rendering 10,000 table rows is
Python code that holds the GIL, and the event loop, waiting for the GIL after every
system call, answered nobody for seconds. A separate process has its own interpreter.
The slots (`app/guards/slots.py`) bound how much work is handed over at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
NICENESS = 10


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _start_worker(parent: int) -> None:
    # Background work yields the CPU to the process that answers requests.
    os.nice(NICENESS)
    # A worker never learns that a killed parent is gone (it holds both ends of its
    # queue), so it watches for itself instead of living on as an orphan.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


class WorkerProcesses:
    """A lazily started process pool of `size` processes (spawned: no forked threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._executor: ProcessPoolExecutor | None = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker process; arguments and result are pickled."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.size,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def close(self) -> None:
        """Stop the processes; work in flight is abandoned."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
