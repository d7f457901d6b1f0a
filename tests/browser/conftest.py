"""A real headless Chromium (the Debian package, driven by Playwright) on the live server.

Every page records the requests it makes and what the console says; a test fails when
the map asks another host for anything or logs an error. Screenshots go to
`test-artifacts/map/` (not committed) for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.factories import create_key

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "map"

# `make test` runs the browser beside three other test workers on two cores: an answer
# that takes 1 s alone can take more than expect's default 5 s there.
expect.set_options(timeout=15_000)


def chromium_path() -> str:
    """The system Chromium; Playwright's own browser downloads are never used."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed; `make test` installs the Debian package")
    return path


# The async API: it shares the session's event loop with the database fixtures, where
# the sync API would run a loop of its own and block them.
@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        await browser.close()


@dataclass
class Watched:
    """A page and what it did: requests by URL, console errors, uncaught exceptions."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to any host but the app (data: URLs are not requests to a host)."""
        own = urlsplit(self.base).netloc
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != own
        ]

    def expect_refused(self, status: int) -> None:
        """Drops the console lines Chromium logs for refused requests a test provoked."""
        line = f"the server responded with a status of {status}"
        self.errors[:] = [e for e in self.errors if line not in e]

    async def screenshot(self, name: str) -> Path:
        """Saves a screenshot as a test artefact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path


@pytest.fixture
async def watched(
    browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> AsyncIterator[Watched]:
    """A fresh browser context (empty session storage) on a laptop-sized window."""
    size = getattr(request, "param", {"width": 1400, "height": 900})
    context = await browser.new_context(viewport=size, locale="de-DE")
    page = await context.new_page()
    page.set_default_timeout(20_000)
    seen = Watched(page, live_server)
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on(
        "console",
        lambda m: m.type == "error" and seen.errors.append(f"console: {m.text} {m.location}"),
    )
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
    try:
        yield seen
        assert seen.foreign_requests() == []
        assert seen.errors == []
    finally:
        await seen.screenshot(request.node.name)
        await context.close()


@dataclass(frozen=True)
class PartnerKey:
    """A partner's key, stored through the real key SQL."""

    partner: str
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


async def _key(
    pool: asyncpg.Pool, partner: str, role: str, municipalities: list[str]
) -> PartnerKey:
    _, secret = await create_key(pool, partner, role, municipalities)
    return PartnerKey(partner, secret)


@pytest.fixture(scope="session")
async def partner_key(pool: asyncpg.Pool) -> PartnerKey:
    """A key of the partner 'Emschergenossenschaft Planung'."""
    return await _key(pool, "Emschergenossenschaft Planung", "partner", [])


@pytest.fixture(scope="session")
async def reviewer_key(pool: asyncpg.Pool) -> PartnerKey:
    """A key of Gelsenkirchen's reviewers."""
    return await _key(pool, "Stadt Gelsenkirchen", "reviewer", ["05513000"])
