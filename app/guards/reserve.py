"""The share of heavy work anonymous callers may hold at once, so that keyed callers
always find a database connection and an export slot of their own.

Counted per worker process, like the pool and the slots they protect. Anonymous
heavy requests beyond their share are shed at once (503 with Retry-After): waiting
would only hold their connections longer.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("klimawerk")

# A flood sheds hundreds of requests a second: one log line per kind this often says
# as much, and the log cannot become the next thing to fill up.
LOG_EVERY_S = 10.0


class AnonymousShare:
    """At most `sizes[kind]` anonymous heavy requests of a kind in progress at once."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = dict(sizes)
        self.busy = dict.fromkeys(sizes, 0)
        self.shed = dict.fromkeys(sizes, 0)
        self.logged_at = dict.fromkeys(sizes, float("-inf"))

    def take(self, kind: str) -> bool:
        """Take a place of `kind`; False when the anonymous share is all in use."""
        if self.busy[kind] >= self.sizes[kind]:
            self._note_shed(kind)
            return False
        self.busy[kind] += 1
        return True

    def give_back(self, kind: str) -> None:
        """Return a place taken with `take`."""
        self.busy[kind] -= 1

    def _note_shed(self, kind: str) -> None:
        self.shed[kind] += 1
        now = time.monotonic()
        if now - self.logged_at[kind] >= LOG_EVERY_S:
            log.warning(
                "503: the anonymous %s share is in use (%d shed since the last note)",
                kind,
                self.shed[kind],
            )
            self.logged_at[kind], self.shed[kind] = now, 0
