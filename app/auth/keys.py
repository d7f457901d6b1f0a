"""API keys: how they are made and recognised. Only a hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from app.domain import access

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


def key_from_headers(authorization: str | None, x_api_key: str | None) -> str | None:
    """The key of `Authorization: Bearer …` or `X-API-Key: …`, if any."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    if x_api_key and x_api_key.strip():
        return x_api_key.strip()
    return None
