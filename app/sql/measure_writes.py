"""SQL for writing measures: insert, versioned update, soft delete, history, idempotency."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from app.domain.validation import CLIENT_FIELDS, REVIEW_FIELDS, RULE_FIELDS

# Columns a request may set; names come from these tuples only, never from input.
WRITABLE = (*CLIENT_FIELDS, *REVIEW_FIELDS, "disconnected_area_source")
RETURNING = (
    "RETURNING id, version, convert_to(feature, 'UTF8') AS feature, partner, "
    "municipality, review_state, review_note, revision_of"
)


async def insert_measure(
    conn: asyncpg.Connection,
    values: dict[str, Any],
    geometry: dict[str, Any],
    partner: str | None,
    *,
    revision_of: uuid.UUID | None = None,
) -> asyncpg.Record:
    """Insert one measure (or, with `revision_of`, a pending revision of that published
    measure); the trigger derives municipality, area and the Feature."""
    columns = [c for c in WRITABLE if c in values]
    args: list[Any] = [values[c] for c in columns]
    args += [partner, partner, revision_of, json.dumps(geometry)]
    n = len(columns)
    placeholders = ", ".join(f"${i + 1}" for i in range(n))
    sql = (
        f"INSERT INTO measures ({', '.join([*columns, 'partner', 'changed_by', 'revision_of', 'geom'])}) "
        f"VALUES ({placeholders}{', ' if n else ''}${n + 1}, ${n + 2}, ${n + 3}, "
        f"ST_SetSRID(ST_GeomFromGeoJSON(${n + 4}), 4326)) {RETURNING}"
    )
    return await conn.fetchrow(sql, *args)


async def update_measure(
    conn: asyncpg.Connection,
    measure_id: uuid.UUID,
    version: int,
    values: dict[str, Any],
    geometry: dict[str, Any] | None,
    actor: str | None,
    *,
    last_writer: bool = False,
) -> asyncpg.Record | None:
    """Apply a change if `version` is still current (None otherwise: a lost race).
    `last_writer` marks a change sent without If-Match (kept in the history)."""
    columns = [c for c in WRITABLE if c in values]
    args: list[Any] = [measure_id, version, actor, last_writer] + [values[c] for c in columns]
    sets = ["changed_by = $3", "last_writer = $4"] + [
        f"{c} = ${i + 5}" for i, c in enumerate(columns)
    ]
    if geometry is not None:
        args.append(json.dumps(geometry))
        sets.append(f"geom = ST_SetSRID(ST_GeomFromGeoJSON(${len(args)}), 4326)")
    sql = (
        f"UPDATE measures SET {', '.join(sets)} "
        f"WHERE id = $1 AND version = $2 AND deleted_at IS NULL {RETURNING}"
    )
    return await conn.fetchrow(sql, *args)


async def delete_measure(
    conn: asyncpg.Connection,
    measure_id: uuid.UUID,
    version: int,
    actor: str | None,
    *,
    last_writer: bool = False,
) -> bool:
    """Soft delete: gone from reads, kept in history."""
    status = await conn.execute(
        "UPDATE measures SET deleted_at = now(), changed_by = $3, last_writer = $4"
        " WHERE id = $1 AND version = $2 AND deleted_at IS NULL",
        measure_id,
        version,
        actor,
        last_writer,
    )
    return status.endswith(" 1")


async def select_for_change(
    conn: asyncpg.Connection, measure_id: uuid.UUID
) -> asyncpg.Record | None:
    """The current version and owner facts, locked for this transaction."""
    return await conn.fetchrow(
        f"SELECT id, version, partner, municipality, review_state, review_note, revision_of,"
        " disconnected_area_source,"
        f" {', '.join(RULE_FIELDS)},"
        " convert_to(feature, 'UTF8') AS feature, GeometryType(geom) AS geometry_type"
        " FROM measures WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
        measure_id,
    )


async def select_values(conn: asyncpg.Connection, measure_id: uuid.UUID) -> asyncpg.Record:
    """The client fields, whether its disconnected area was given or derived, and the
    lon/lat geometry (GeoJSON text) of a measure."""
    return await conn.fetchrow(
        f"SELECT {', '.join(CLIENT_FIELDS)}, disconnected_area_source,"
        " ST_AsGeoJSON(geom, 9) AS geometry"
        " FROM measures WHERE id = $1",
        measure_id,
    )


async def select_pending_revision(
    conn: asyncpg.Connection, measure_id: uuid.UUID
) -> asyncpg.Record | None:
    """The pending (submitted) revision of a published measure, locked, or None."""
    return await conn.fetchrow(
        "SELECT id, version FROM measures WHERE revision_of = $1 AND deleted_at IS NULL"
        " AND review_state = 'submitted' FOR UPDATE",
        measure_id,
    )


async def apply_revision(
    conn: asyncpg.Connection, revision_id: uuid.UUID, actor: str | None
) -> asyncpg.Record | None:
    """Publish a revision: its facts and geometry become the published measure's next
    version, and the revision row is retired (kept, with its history). None when the
    measure it would change is gone."""
    columns = ", ".join([*WRITABLE, "geom"])
    row = await conn.fetchrow(
        f"UPDATE measures SET ({columns}, changed_by, last_writer) ="
        f" (SELECT {columns}, $2::text, false FROM measures WHERE id = $1)"
        " WHERE id = (SELECT revision_of FROM measures WHERE id = $1) AND deleted_at IS NULL"
        f" {RETURNING}",
        revision_id,
        actor,
    )
    await conn.execute(
        "UPDATE measures SET deleted_at = now(), changed_by = $2 WHERE id = $1",
        revision_id,
        actor,
    )
    return row


async def select_feature(conn: asyncpg.Connection, measure_id: uuid.UUID) -> bytes:
    """The stored Feature (UTF-8 JSON) of a measure."""
    return await conn.fetchval(
        "SELECT convert_to(feature, 'UTF8') FROM measures WHERE id = $1", measure_id
    )


async def select_history(conn: asyncpg.Connection, measure_id: uuid.UUID) -> list[asyncpg.Record]:
    """Every version, newest first: the current row, then the kept earlier versions (as
    `measure_snapshot` makes them: the Feature with the review note)."""
    return await conn.fetch(
        "SELECT version, updated_at AS changed_at, changed_by AS partner,"
        " measure_snapshot(measures)::text AS snapshot, deleted_at, last_writer"
        " FROM measures WHERE id = $1"
        " UNION ALL"
        " SELECT version, changed_at, partner, snapshot::text, NULL, last_writer"
        " FROM measure_history"
        " WHERE measure_id = $1"
        " ORDER BY version DESC",
        measure_id,
    )


async def select_idempotent(
    conn: asyncpg.Connection, partner: str, key: str
) -> asyncpg.Record | None:
    """The stored response of an earlier request with this Idempotency-Key."""
    return await conn.fetchrow(
        "SELECT status, location, etag, body, request_hash FROM idempotency_keys"
        " WHERE partner = $1 AND key = $2",
        partner,
        key,
    )


async def store_idempotent(
    conn: asyncpg.Connection,
    partner: str,
    key: str,
    request_hash: str,
    status: int,
    location: str,
    etag: str,
    body: bytes,
) -> None:
    """Keep a response for retries of the same request."""
    await conn.execute(
        "INSERT INTO idempotency_keys (partner, key, request_hash, status, location, etag, body)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        partner,
        key,
        request_hash,
        status,
        location,
        etag,
        body,
    )
