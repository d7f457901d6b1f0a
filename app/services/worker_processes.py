"""Worker processes for CPU-heavy work: export files and HTML of big pages.

A thread does not help here: writing a GeoPackage or rendering 10,000 table rows is
Python code that holds the GIL, and the event loop, waiting for the GIL after every
system call, answered nobody for seconds. A separate process has its own interpreter.
The slots (`app/guards/slots.py`) bound how much work is handed over at once.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
NICENESS = 10


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _start_worker(parent: int, niceness: int) -> None:
    # Background work yields the CPU to the process that answers requests.
    os.nice(niceness)
    # A worker never learns that a killed parent is gone (it holds both ends of its
    # queue), so it watches for itself instead of living on as an orphan.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


# Set for a request of a keyed caller (by the rate limit, `app/guards/rate_limit.py`):
# its work goes to the processes reserved for keyed callers.
PRIORITY: ContextVar[bool] = ContextVar("worker_priority", default=False)


def _ready(modules: tuple[str, ...]) -> None:
    """Import `modules` (submitted once per process to start it ready for work)."""
    for name in modules:
        importlib.import_module(name)


class WorkerProcesses:
    """Lazily started process pools (spawned: no forked threads): `size` processes at
    lowered priority for everyone, and `reserved` at normal priority for keyed callers
    (`PRIORITY`), so that anonymous exports can neither queue nor starve a partner's."""

    def __init__(self, size: int, reserved: int = 0) -> None:
        self.sizes = {False: size, True: reserved}
        self._executors: dict[bool, ProcessPoolExecutor] = {}

    @property
    def size(self) -> int:
        """Processes of the shared pool."""
        return self.sizes[False]

    def _pool(self, priority: bool) -> ProcessPoolExecutor:
        priority = priority and self.sizes[True] > 0
        if priority not in self._executors:
            self._executors[priority] = ProcessPoolExecutor(
                self.sizes[priority],
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(), 0 if priority else NICENESS),
            )
        return self._executors[priority]

    def warm(self, modules: tuple[str, ...] = ()) -> None:
        """Start the processes now, in the background, and import `modules` in each: the
        first export after start-up (a partner's, under load) then waits for no
        interpreter to start and no library to load."""
        for priority, size in self.sizes.items():
            if size:
                pool = self._pool(priority)
                for _ in range(size):
                    pool.submit(_ready, modules)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker process; arguments and result are pickled."""
        pool = self._pool(PRIORITY.get())
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)

    def close(self) -> None:
        """Stop the processes; work in flight is abandoned."""
        executors, self._executors = self._executors, {}
        for executor in executors.values():
            executor.shutdown(wait=False, cancel_futures=True)
