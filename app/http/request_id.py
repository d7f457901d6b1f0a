"""Where a request's id lives on the ASGI scope (set by `app.api.request_id.RequestId`)."""

from __future__ import annotations

from typing import Any


def request_id_of(scope: Any) -> str | None:
    """The id `RequestId` gave this request (None outside it)."""
    return scope.get("state", {}).get("request_id")
