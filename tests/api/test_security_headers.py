"""Security headers on every response, and pages that need no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from app.api.security_headers import content_security_policy
from app.config import Settings

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "web" / "templates"


@pytest.mark.parametrize(
    "path",
    [
        "/map",
        "/",
        "/docs",
        "/collections/measures/items",
        "/collections/nope",
        "/static/map/main.js",
    ],
)
async def test_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_the_base_map_host_may_serve_images() -> None:
    policy = content_security_policy(
        Settings(basemap_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    )
    assert "img-src 'self' data: blob: https://*.tiles.example.org;" in policy
    assert "tiles.example.org" not in content_security_policy(Settings(basemap_url=""))


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_or_style(template: str) -> None:
    html = (TEMPLATES / template).read_text()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in s for s in scripts), scripts  # data, not code
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
