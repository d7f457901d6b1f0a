"""Who is asking: anonymous, or a partner, reviewer or admin identified by an API key."""

from __future__ import annotations

from dataclasses import dataclass

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
        """What this caller may read beyond published measures."""
        if self.role == "admin":
            return Visibility(everything=True)
        if self.role == "reviewer":
            # A reviewer without municipalities reviews the whole region (water boards).
            if not self.municipalities:
                return Visibility(everything=True)
            return Visibility(partner=self.partner, municipalities=self.municipalities)
        if self.role == "partner":
            return Visibility(partner=self.partner)
        return Visibility()
