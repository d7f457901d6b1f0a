"""API keys: how they are made and recognised. Only a hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain import access
from app.errors import InvalidParameter

PREFIX = "kw_"
# The roles a key can carry (every role of the access policy but anonymous).
ROLES = tuple(role for role in access.ROLES if role != "anonymous")


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: the secret (shown once), its display prefix and its hash."""

    secret: str
    prefix: str
    digest: str


def hash_key(secret: str) -> str:
    """SHA-256 of the key; keys carry 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> NewKey:
    """A high-entropy key (32 random bytes, URL-safe)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    return NewKey(secret=secret, prefix=secret[:10], digest=hash_key(secret))


def key_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The caller's key from `Authorization: Bearer …` and `X-API-Key: …`, if any.

    The one reader of keys, for authentication and the rate limiter alike: when the
    headers name two different keys (two `X-API-Key`, two bearers, or a bearer and
    another `X-API-Key`), no reader may pick one, so the request is refused with a 400.
    The same key sent twice is that key.
    """
    found: set[str] = set()
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                found.add(token.strip())
        elif name == b"x-api-key" and value.strip():
            found.add(value.decode("latin-1").strip())
    if len(found) > 1:
        raise InvalidParameter(
            f"the request names {len(found)} different API keys (Authorization: Bearer "
            "and X-API-Key headers); send one key, in one header"
        )
    return found.pop() if found else None
