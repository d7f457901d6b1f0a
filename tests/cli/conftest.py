"""CLI tests run against the session's test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import get_settings


@pytest.fixture
def use_test_database(dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI (which reads DATABASE_URL) at the test database."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
