"""Console output and error exits shared by the command groups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit; never a traceback for expected failures."""
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def expected_errors(*kinds: type[Exception]) -> Iterator[None]:
    """Turn the given exception kinds (and connection failures) into clean exits."""
    try:
        yield
    except (*kinds, OSError, ConnectionError) as exc:
        fail(str(exc) or type(exc).__name__)
