"""Per-key and per-address rate limits (the `limits` library, in-process storage)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.keys import hash_key, key_from_headers
from app.errors import InvalidParameter, TooManyRequests, problem_response

# Roles of recently seen valid keys; bounded so that a flood of keys cannot grow it.
MAX_KNOWN_KEYS = 10_000


class RateLimiter:
    """Counts requests per identity: a known valid key, else the client address.

    Storage is per process: with N workers a client may get up to N times the limit
    (a load balancer spreads its requests), which is fine for keeping a worker up.
    Keys that were never seen valid count against their address, so that inventing
    keys does not escape the limit; admins are never limited.
    """

    def __init__(self, spec: str) -> None:
        self.items: list[RateLimitItem] = parse_many(spec) if spec.strip() else []
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.key_roles: dict[str, str] = {}

    @property
    def enabled(self) -> bool:
        return bool(self.items)

    def remember_key(self, digest: str, role: str) -> None:
        """Note the role of a valid key (called where keys are checked)."""
        if len(self.key_roles) >= MAX_KNOWN_KEYS:
            self.key_roles.clear()
        self.key_roles[digest] = role

    def identity(self, key_digest: str | None, address: str) -> str | None:
        """Whom a request counts against; None for an admin (not limited)."""
        role = self.key_roles.get(key_digest) if key_digest else None
        if role == "admin":
            return None
        return f"key:{key_digest}" if role else f"addr:{address}"

    def hit(self, identity: str) -> int | None:
        """Count one request; the seconds to wait when a limit is exceeded, else None."""
        for item in self.items:
            if not self.limiter.hit(item, identity):
                reset = self.limiter.get_window_stats(item, identity).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None


class RateLimitMiddleware:
    """Answer 429 with Retry-After once a caller exceeds its rate limit."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # OPTIONS costs nothing: QGIS asks it before it offers editing (issue 25).
        if scope["type"] != "http" or not self.limiter.enabled or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        try:
            secret = key_from_headers(scope["headers"])
        except InvalidParameter as error:  # two different keys: refused, counted for neither
            await problem_response(error, scope.get("path"))(scope, receive, send)
            return
        address = scope["client"][0] if scope.get("client") else "unknown"
        identity = self.limiter.identity(hash_key(secret) if secret else None, address)
        wait = self.limiter.hit(identity) if identity else None
        if wait is None:
            await self.app(scope, receive, send)
            return
        error = TooManyRequests(
            "rate limit exceeded; slow down and retry after the time in Retry-After",
            retry_after=wait,
        )
        await problem_response(error, scope.get("path"))(scope, receive, send)
