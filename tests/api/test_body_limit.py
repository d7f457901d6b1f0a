"""A body over the limit is a readable 413, even for clients that send it all first."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from app.api.body import MAX_BODY_BYTES
from tests.api.conftest import auth


@pytest.mark.parametrize("keyed", [True, False])
async def test_urllib_reads_the_413(
    live_server: str, roles: dict[str, dict[str, str]], keyed: bool
) -> None:
    body = b'{"type":"Feature","properties":{"title":"' + b"x" * (MAX_BODY_BYTES + 10) + b'"}}'
    headers = {"Content-Type": "application/json", **(auth(roles["partner"]) if keyed else {})}
    request = urllib.request.Request(
        f"{live_server}/collections/measures/items", data=body, headers=headers, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert refused.value.headers["content-type"] == "application/problem+json"
    problem = json.loads(refused.value.read())
    assert problem["status"] == 413 and str(MAX_BODY_BYTES) in problem["detail"]
