"""The map and the HTML pages run under the strict CSP without a violation.

A violation is a console error in Chromium, which the `watched` fixture fails on; the
last test shows that such a violation is indeed seen.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Error as PlaywrightError

from tests.browser.conftest import Watched


@pytest.mark.parametrize(
    "path", ["/map", "/", "/collections/measures/items?f=html&limit=5", "/docs"]
)
async def test_pages_load_under_the_policy(watched: Watched, path: str) -> None:
    response = await watched.page.goto(f"{watched.base}{path}")
    assert response is not None and response.ok
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    if path == "/map":
        # The boundaries are drawn: scripts, styles and data all loaded under the policy.
        await watched.page.locator("path.kw-boundary").first.wait_for()
    if path == "/docs":
        # Swagger UI rendered the operations of /api under the same policy.
        await watched.page.locator(".opblock-tag").first.wait_for()
    await watched.page.wait_for_load_state("networkidle")
    # The landing page asks for /favicon.ico, which the API does not serve.
    watched.expect_refused(404)


async def test_an_inline_style_would_be_refused(watched: Watched) -> None:
    await watched.page.goto(f"{watched.base}/map")
    with pytest.raises(PlaywrightError):
        await watched.page.add_style_tag(content="body { background: red }")
    assert any("Content Security Policy" in e for e in watched.errors)
    watched.errors.clear()
