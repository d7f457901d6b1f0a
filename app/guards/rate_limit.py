"""Budgets by cost: cheap and heavy work drawn from separate buckets per caller.

A caller is a valid key (asked of the key store on its first request) or else the
client address (as the trusted proxies name it). Static files and health checks are
free; what a 304 or a cache answer cost is given back as the response starts. Admins
are never limited (`app.domain.access.unlimited`). Anonymous heavy work also has a
share per process (`AnonymousShare`) so that keyed callers keep connections and export
slots of their own. ADR 0011 gives the design and its numbers.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.keys import hash_key, key_from_headers
from app.domain.access import unlimited
from app.errors import AppError, InvalidParameter, TooManyRequests, Unavailable, problem_response
from app.guards.budget import Buckets
from app.guards.cost import MAX_WEIGHT, PAGE_BYTES_PER_UNIT, Cost, cost_of
from app.guards.key_roles import KeyRoles
from app.guards.reserve import AnonymousShare
from app.http.numbers import declared_length
from app.http.query import query_of
from app.http.request_id import request_id_of
from app.services.worker_processes import PRIORITY

# Which anonymous heavy work holds a place of the anonymous share while it runs: what
# holds a database connection or a worker for long. Cluster tiles have slots of their
# own (a map asks for a dozen at once) and filtered statistics come from kept sums.
SHARES = {
    "export": "export",
    "big page": "heavy",
    "costly filter": "heavy",
    "big body": "heavy",
}


@dataclass
class Charge:
    """What the current request was charged; a cache answer marks it `cached`."""

    cached: bool = False


CURRENT_CHARGE: ContextVar[Charge | None] = ContextVar("current_charge", default=None)


def mark_cached() -> None:
    """Note that the current response comes from a cache (it costs nothing)."""
    charge = CURRENT_CHARGE.get()
    if charge is not None:
        charge.cached = True


def free_answer(status: int, cost: Cost, charge: Charge) -> bool:
    """Whether an answer cost nothing: a 304, a cache hit, or heavy work refused as a
    client error before it ran (a 400 for a page over the largest limit)."""
    refused = cost.kind == "heavy" and 400 <= status < 500 and status != 429
    return status == 304 or charge.cached or refused


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _content_length(scope: Scope) -> int | None:
    return declared_length(_header(scope, b"content-length"))


class RateLimitMiddleware:
    """Answer 429 with Retry-After once a caller's budget for this kind of work is spent,
    and 503 when anonymous heavy work already fills its share."""

    def __init__(
        self,
        app: ASGIApp,
        buckets: Buckets,
        key_roles: KeyRoles,
        share: AnonymousShare,
        heavy_page_size: int,
        address_budgets: bool = True,
    ) -> None:
        self.app = app
        self.buckets = buckets
        self.key_roles = key_roles
        self.share = share
        self.heavy_page_size = heavy_page_size
        self.address_budgets = address_budgets

    async def _role(self, scope: Scope) -> tuple[str | None, str | None]:
        """The key digest of the request and its role (None: no key, or not valid)."""
        secret = key_from_headers(scope["headers"])
        if secret is None:
            return None, None
        digest = hash_key(secret)
        try:
            return digest, await self.key_roles.role(digest)
        except AppError:  # the key store is unreachable: the router will answer that
            return digest, None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            cost = cost_of(
                scope["method"],
                scope["path"],
                query_of(scope),
                _content_length(scope),
                self.heavy_page_size,
            )
        except InvalidParameter as error:  # refused as the handler would, before any work
            await problem_response(error, scope["path"], request_id_of(scope))(scope, receive, send)
            return
        if cost.kind == "free":
            await self.app(scope, receive, send)
            return
        try:
            digest, role = await self._role(scope)
        except InvalidParameter as error:  # two different keys: refused, counted for neither
            await problem_response(error, scope["path"], request_id_of(scope))(scope, receive, send)
            return
        if role is not None and unlimited(role):
            priority = PRIORITY.set(True)
            try:
                await self.app(scope, receive, send)
            finally:
                PRIORITY.reset(priority)
            return
        if role is not None:
            identity: str | None = f"key:{digest}"
        else:
            address = scope["client"][0] if scope.get("client") else "unknown"
            identity = f"addr:{address}" if self.address_budgets else None
        await self._within_budget(scope, receive, send, cost, identity, anonymous=role is None)

    async def _within_budget(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        cost: Cost,
        identity: str | None,
        anonymous: bool,
    ) -> None:
        if identity is not None:
            wait = self.buckets.wait(identity, cost.kind, cost.weight)
            if wait is not None:
                error = TooManyRequests(
                    f"the {cost.kind} budget of this caller is spent ({cost.why or 'requests'});"
                    " retry after the time in Retry-After",
                    retry_after=wait,
                )
                await problem_response(error, scope["path"], request_id_of(scope))(
                    scope, receive, send
                )
                return
            self.buckets.spend(identity, cost.kind, cost.weight)
        share = SHARES.get(cost.why)
        if anonymous and share is not None and not self.share.take(share):
            if identity is not None:
                self.buckets.refund(identity, cost.kind, cost.weight)
            error = Unavailable(
                f"anonymous {share} requests fill their share now; retry shortly or use an API key",
                retry_after=2,
                refusal="anonymous_share",
            )
            await problem_response(error, scope["path"], request_id_of(scope))(scope, receive, send)
            return
        held = anonymous and share is not None
        charge = Charge()
        token = CURRENT_CHARGE.set(charge)
        # Keyed work (exports, big pages) runs in the processes reserved for keys.
        priority = PRIORITY.set(not anonymous)

        by_size = identity is not None and cost.why == "big page"
        sent = 0

        async def send_charging(message: Message) -> None:
            nonlocal held, sent
            if by_size and message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
                if not message.get("more_body", False):
                    extra = sent / PAGE_BYTES_PER_UNIT - cost.weight
                    self.buckets.spend(identity, cost.kind, min(extra, MAX_WEIGHT))  # type: ignore[arg-type]
            if message["type"] == "http.response.start":
                if held:
                    held = False
                    self.share.give_back(share)  # type: ignore[arg-type]
                if identity is not None and free_answer(message["status"], cost, charge):
                    self.buckets.refund(identity, cost.kind, cost.weight)
            await send(message)

        try:
            await self.app(scope, receive, send_charging)
        finally:
            CURRENT_CHARGE.reset(token)
            PRIORITY.reset(priority)
            if held:
                self.share.give_back(share)  # type: ignore[arg-type]
