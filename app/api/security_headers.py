"""Security headers on every response: CSP, nosniff, no framing, a referrer policy.

The map and the HTML pages load scripts and styles only from `/static` (no inline
script or style), so the policy needs no 'unsafe-inline'; images may also come from
the configured base map's host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from app.config import Settings

# FastAPI's /docs page is Swagger UI from a CDN with an inline start-up script; it gets
# a policy of its own so that the strict one can hold everywhere else.
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")
DOCS_ASSETS = "https://cdn.jsdelivr.net"


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


DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {DOCS_ASSETS}",
        f"style-src 'self' {DOCS_ASSETS}",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        policy = content_security_policy(settings).encode()
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # The base map's tile server (OSM's policy) wants a Referer: send the origin only.
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        self.policy = policy
        self.docs_policy = DOCS_POLICY.encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.docs_policy if scope["path"] in DOCS_PATHS else self.policy

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *self.headers,
                    (b"content-security-policy", policy),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
