"""SQL for partners and their API keys."""

from __future__ import annotations

import asyncpg

CREATE = """
WITH p AS (
  INSERT INTO partners (name) VALUES ($1)
  ON CONFLICT (name) DO UPDATE SET name = excluded.name
  RETURNING id
)
INSERT INTO api_keys (partner_id, role, municipalities, key_prefix, key_hash)
SELECT p.id, $2, $3::text[], $4, $5 FROM p
RETURNING id
"""

LIST = """
SELECT k.id, p.name AS partner, k.role, k.municipalities, k.key_prefix, k.created_at,
       k.revoked_at
  FROM api_keys k JOIN partners p ON p.id = k.partner_id
 ORDER BY k.id
"""

CALLER = """
SELECT k.id, p.name AS partner, k.role, k.municipalities
  FROM api_keys k JOIN partners p ON p.id = k.partner_id
 WHERE k.key_hash = $1 AND k.revoked_at IS NULL
"""


async def create_key(
    conn: asyncpg.Connection,
    partner: str,
    role: str,
    municipalities: list[str],
    prefix: str,
    digest: str,
) -> int:
    """Store a key's hash for a partner (created if new); returns the key id."""
    return int(await conn.fetchval(CREATE, partner, role, municipalities, prefix, digest))


async def list_keys(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """All keys, without secrets."""
    return await conn.fetch(LIST)


async def revoke_key(conn: asyncpg.Connection, key_id: int) -> bool:
    """Revoke a key; False when there is no such active key."""
    status = await conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", key_id
    )
    return status.endswith(" 1")


async def select_caller(conn: asyncpg.Connection, digest: str) -> asyncpg.Record | None:
    """The partner, role and municipalities of an active key."""
    return await conn.fetchrow(CALLER, digest)
