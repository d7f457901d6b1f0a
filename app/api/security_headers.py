"""Security headers on every response: CSP, nosniff, no framing, a referrer policy.

The map, the HTML pages and /docs (Swagger UI from the app's own static files) load
scripts and styles only from `/static` (no inline script or style), so one policy
without 'unsafe-inline' holds for every path; images may also come from the configured
base map's host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from app.config import Settings


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        # `{s}.tile…` subdomain templates become a wildcard host.
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return None


def content_security_policy(settings: Settings) -> str:
    """The policy of the map and every other page."""
    images = ["'self'", "data:", "blob:"]
    basemap = _origin(settings.basemap_url)
    if basemap:
        images.append(basemap)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # The base map's tile server (OSM's policy) wants a Referer: send the origin only.
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", content_security_policy(settings).encode()),
        ]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *self.headers,
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
