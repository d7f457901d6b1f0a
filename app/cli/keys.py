"""`klimawerk keys create|list|revoke`: partners' API keys."""

from __future__ import annotations

import asyncio

import asyncpg
import typer
from rich.table import Table

from app.auth.keys import ROLES, new_key
from app.cli.output import console, expected_errors, fail
from app.config import get_settings
from app.sql import keys as sql

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


async def _with_connection(work):  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(get_settings().dsn)
    try:
        return await work(conn)
    finally:
        await conn.close()


@app.command()
def create(
    partner: str = typer.Option(..., help="the partner's name, e.g. 'Stadt Gelsenkirchen'"),
    role: str = typer.Option(..., help="partner, reviewer or admin"),
    municipality: list[str] = typer.Option(
        [], help="AGS where the key may write and review (repeat); none: all"
    ),
) -> None:
    """Create a key and print it once; only its hash is stored."""
    if role not in ROLES:
        fail(f"role must be one of {', '.join(ROLES)}")
    if not partner.strip():
        fail("partner must not be empty")
    bad = [m for m in municipality if not (m.isdigit() and len(m) == 8)]
    if bad:
        fail(f"municipalities are 8-digit AGS: {', '.join(bad)}")
    key = new_key()
    with expected_errors(asyncpg.PostgresError):
        key_id = asyncio.run(
            _with_connection(
                lambda c: sql.create_key(
                    c, partner.strip(), role, municipality, key.prefix, key.digest
                )
            )
        )
    console.print(f"key {key_id} for {partner} ({role}); it is shown only now:")
    print(key.secret)


@app.command("list")
def list_keys() -> None:
    """List keys (prefix, partner, role, municipalities, state); never the secrets."""
    with expected_errors(asyncpg.PostgresError):
        rows = asyncio.run(_with_connection(sql.list_keys))
    table = Table("id", "prefix", "partner", "role", "municipalities", "created", "state")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["key_prefix"] + "…",
            r["partner"],
            r["role"],
            ", ".join(r["municipalities"]) or "all",
            r["created_at"].strftime("%Y-%m-%d"),
            "revoked" if r["revoked_at"] else "active",
        )
    console.print(table)


@app.command()
def revoke(key_id: int = typer.Argument(..., help="the key's id from `keys list`")) -> None:
    """Revoke a key; requests with it are refused from now on."""
    with expected_errors(asyncpg.PostgresError):
        done = asyncio.run(_with_connection(lambda c: sql.revoke_key(c, key_id)))
    if not done:
        fail(f"no active key {key_id}")
    console.print(f"key {key_id} revoked")
