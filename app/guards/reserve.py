"""The share of heavy work anonymous callers may hold at once, so that keyed callers
always find a database connection and an export slot of their own.

Counted per worker process, like the pool and the slots they protect. Anonymous
heavy requests beyond their share are shed at once (503 with Retry-After): waiting
would only hold their connections longer.
"""

from __future__ import annotations


class AnonymousShare:
    """At most `sizes[kind]` anonymous heavy requests of a kind in progress at once."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = dict(sizes)
        self.busy = dict.fromkeys(sizes, 0)

    def take(self, kind: str) -> bool:
        """Take a place of `kind`; False when the anonymous share is all in use."""
        if self.busy[kind] >= self.sizes[kind]:
            return False
        self.busy[kind] += 1
        return True

    def give_back(self, kind: str) -> None:
        """Return a place taken with `take`."""
        self.busy[kind] -= 1
