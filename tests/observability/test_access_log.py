"""The access log's privacy rule and line, and the operations settings as spelled."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app
from app.observability.access_log import access_line, client_address
from app.observability.middleware import Observe


@pytest.mark.parametrize(
    ("address", "mode", "written"),
    [
        ("192.0.2.77", "truncated", "192.0.2.0/24"),
        ("2001:db8:1234:5678::1", "truncated", "2001:db8:1234::/48"),
        ("192.0.2.77", "full", "192.0.2.77"),
        ("192.0.2.77", "none", None),
        ("/run/klimawerk.sock", "truncated", None),  # a Unix socket: nothing to truncate
        ("", "truncated", None),
        (None, "full", None),
    ],
)
def test_client_addresses_follow_the_privacy_setting(
    address: str | None, mode: str, written: str | None
) -> None:
    assert client_address(address, mode) == written


def test_a_line_names_the_partner_never_a_key() -> None:
    class Partner:
        role, partner = "partner", "Vivawest"

    line = json.loads(
        access_line(
            request_id="abc12345",
            route="/collections/measures/items/{measure_id}",
            method="PATCH",
            path="/collections/measures/items/4f1c",
            status=412,
            seconds=0.0123,
            sent=321,
            caller=Partner(),
            refusal=None,
            client="192.0.2.0/24",
        )
    )
    assert line["caller"] == "partner" and line["partner"] == "Vivawest"
    assert line["duration_ms"] == 12.3 and line["bytes"] == 321 and line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ACCESS_LOG_CLIENT", "Full"),
        ("ACCESS_LOG_CLIENT", ""),
        ("ACCESS_LOG_CLIENT", "truncated "),
        ("ACCESS_LOG", "vielleicht"),
        ("METRICS_PORT", "٣"),
        ("METRICS_PORT", "9_464"),
        ("METRICS_PORT", "+9464"),
        ("METRICS_PORT", "-1"),
        ("METRICS_PORT", "²"),
        ("METRICS_PORT", "0"),
        ("METRICS_PORT", "1" * 5000),
        ("BACKUP_RETENTION", "0"),
        ("BACKUP_RETENTION", "-3"),
    ],
)
def test_operations_settings_refuse_odd_spellings(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        Settings()


def test_an_empty_metrics_port_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_PORT", " ")
    assert Settings().metrics_port is None
    monkeypatch.setenv("METRICS_PORT", "9464")
    assert Settings().metrics_port == 9464


async def test_access_log_off_writes_nothing(dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(Settings(database_url=dsn, access_log=False))
    observe = next(m for m in app.user_middleware if m.cls is Observe)
    assert observe.kwargs["access_log"] is False
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.get("/health/live")).status_code == 200
    assert '"request_id"' not in capsys.readouterr().out
