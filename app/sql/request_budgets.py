"""Request budgets shared through the primary: add what a worker spent, read the sums."""

from __future__ import annotations

import asyncpg

# Rows are locked in key order (the arrays come sorted), so two workers adding at once
# wait for each other instead of deadlocking. `spent_until` moves on from now, or from
# where it stands when the budget is already in use (GCRA: spending is an addition).
ADD_SPENT = """
INSERT INTO request_budgets AS b (identity, kind, spent_until)
SELECT s.identity, s.kind, extract(epoch FROM now()) + s.seconds
FROM unnest($1::text[], $2::text[], $3::float8[]) AS s(identity, kind, seconds)
ON CONFLICT (identity, kind) DO UPDATE
SET spent_until = greatest(
    b.spent_until + (EXCLUDED.spent_until - extract(epoch FROM now())), EXCLUDED.spent_until
)
RETURNING identity, kind, spent_until
"""

# A budget spent until a minute ago is full again: its row says nothing any more.
FORGET_FULL = "DELETE FROM request_budgets WHERE spent_until < extract(epoch FROM now()) - 60"


async def add_spent(
    conn: asyncpg.Connection, spent: dict[tuple[str, str], float]
) -> list[asyncpg.Record]:
    """Add seconds of budget spent per (identity, kind); the new shared values."""
    keys = sorted(spent)
    return await conn.fetch(
        ADD_SPENT, [k[0] for k in keys], [k[1] for k in keys], [spent[k] for k in keys]
    )


async def forget_full(conn: asyncpg.Connection) -> None:
    """Delete rows of budgets that are full again."""
    await conn.execute(FORGET_FULL)
