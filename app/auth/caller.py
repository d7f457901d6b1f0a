"""Who is asking: anonymous, or a partner, reviewer or admin identified by an API key."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import access
from app.query.measure import Visibility


@dataclass(frozen=True)
class Caller:
    """Who is asking: anonymous, or a partner/reviewer/admin by API key."""

    partner: str | None = None
    role: str = "anonymous"
    municipalities: tuple[str, ...] = ()
    key_id: int | None = None

    @property
    def visibility(self) -> Visibility:
        """What this caller may read (the access policy decides)."""
        return access.visibility(self)
