"""`klimawerk keys`: created keys work once shown, are listed without secrets, revoke."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import output
from app.cli.main import app

# A wide terminal, so that the table shows whole cells.
runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console took its width when it was imported (80 on an xdist worker,
    which has no terminal): make it wide, so that no cell is cut."""
    monkeypatch.setattr(output.console, "width", 200)


async def invoke(*args: str):  # type: ignore[no-untyped-def]
    """Run the CLI off the event loop (it runs its own)."""
    return await asyncio.to_thread(runner.invoke, app, list(args))


@pytest.mark.usefixtures("use_test_database")
async def test_create_list_revoke(client: httpx.AsyncClient) -> None:
    created = await invoke(
        "keys",
        "create",
        "--partner",
        "Stadt Herne",
        "--role",
        "reviewer",
        "--municipality",
        "05916000",
    )
    assert created.exit_code == 0, created.output
    secret = re.search(r"^(kw_\S+)$", created.output, re.M).group(1)
    key_id = re.search(r"key (\d+) for", created.output).group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        await client.get("/collections/measures/items?limit=1", headers=headers)
    ).status_code == 200

    listed = await invoke("keys", "list")
    assert "Stadt Herne" in listed.output and secret not in listed.output
    assert secret[:10] in listed.output

    assert (await invoke("keys", "revoke", key_id)).exit_code == 0
    assert (
        await client.get("/collections/measures/items?limit=1", headers=headers)
    ).status_code == 401
    again = await invoke("keys", "revoke", key_id)
    assert again.exit_code == 1 and "no active key" in again.output


@pytest.mark.usefixtures("use_test_database")
def test_bad_role_and_municipality_are_refused() -> None:
    assert runner.invoke(app, ["keys", "create", "--partner", "X", "--role", "boss"]).exit_code == 1
    bad = runner.invoke(
        app, ["keys", "create", "--partner", "X", "--role", "partner", "--municipality", "123"]
    )
    assert bad.exit_code == 1 and "8-digit" in bad.output
