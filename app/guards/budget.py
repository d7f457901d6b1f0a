"""Budgets of work per caller: a token bucket per identity and class, kept as one number.

Each (identity, class) holds a "theoretical arrival time" (GCRA, the generic cell rate
algorithm): spending `w` units moves it `w / rate` seconds into the future, and a
caller may spend while it lies at most `burst / rate` seconds ahead of now. One float
per caller is all the state, so the same arithmetic works on numbers shared by every
worker process (`app/guards/shared_budget.py`): a charge is an addition.

Hand-written: `limits` counts requests in windows (no weights, no shared memory
between processes without a server), and the bucket itself is these few lines.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

# Identities remembered per process; the least recently used are forgotten first (a
# forgotten identity starts with a full bucket, which errs on the side of the caller).
MAX_IDENTITIES = 50_000


@dataclass(frozen=True)
class Rate:
    """Units refilled per second and the most a caller may spend at once."""

    per_second: float
    burst: float

    @property
    def tolerance_s(self) -> float:
        """How far ahead of now the arrival time may lie while spending is allowed."""
        return self.burst / self.per_second


class Buckets:
    """The buckets of one process: `wait` before a request, `spend` its estimated cost
    as it starts, `refund` it when the answer cost nothing (a 304, a cache hit)."""

    def __init__(self, rates: dict[str, Rate], clock=time.time) -> None:
        self.rates = rates
        self.clock = clock
        self.arrival: OrderedDict[tuple[str, str], float] = OrderedDict()

    def wait(self, identity: str, kind: str, units: float = 1.0) -> int | None:
        """Whole seconds until `identity` may spend `units` on `kind`; None: it may now.

        A request bigger than the whole burst is let through on a full bucket (and
        empties it), so that no request is refused for ever.
        """
        rate = self.rates[kind]
        ahead = max(0.0, self.arrival.get((identity, kind), 0.0) - self.clock())
        over = ahead + min(units, rate.burst) / rate.per_second - rate.tolerance_s
        if over <= 1e-9:
            return None
        return max(1, math.ceil(over))

    def spend(self, identity: str, kind: str, units: float) -> None:
        """Take `units` from the bucket; charged up front, so that concurrent requests
        of one caller see each other."""
        if units <= 0:
            return
        key = (identity, kind)
        now = self.clock()
        self.arrival[key] = (
            max(self.arrival.get(key, now), now) + units / self.rates[kind].per_second
        )
        self.arrival.move_to_end(key)
        if len(self.arrival) > MAX_IDENTITIES:
            self.arrival.popitem(last=False)

    def refund(self, identity: str, kind: str, units: float) -> None:
        """Give back `units` spent on a request that turned out to cost nothing."""
        key = (identity, kind)
        if units <= 0 or key not in self.arrival:
            return
        now = self.clock()
        self.arrival[key] = max(now, self.arrival[key] - units / self.rates[kind].per_second)
