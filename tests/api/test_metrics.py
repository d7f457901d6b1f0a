"""`/metrics` and the access log after a known mix of requests, at the default settings,
from two worker processes whose counters add up (prometheus-client multiprocess mode)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.api.body import MAX_BODY_BYTES
from app.observability.access_log import LOGGER_NAME
from tests.api.conftest import auth
from tests.servers import served

ITEMS = "/collections/measures/items"
FIELDS = {
    "time", "request_id", "method", "route", "path", "status", "duration_ms", "bytes",
    "caller", "partner", "refusal", "client",
}  # fmt: skip


@pytest.fixture(scope="module")
def server(dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Two workers; their output (the access log) in a file."""
    root = tmp_path_factory.mktemp("metrics")
    (root / "multiproc").mkdir()
    log = root / "server.log"
    # Default settings but a small cheap budget, so that one burst of the mix provokes a
    # 429 (the defaults fit an office of 25 and are not meant to be spent by a test).
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(root / "multiproc"),
        "CHEAP_BUDGET_PER_S": "20",
        "CHEAP_BUDGET_BURST": "60",
    }
    with served(dsn, "--workers", "2", env=env, output=log) as (base, _):
        yield base, log


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def burst(http: httpx.AsyncClient, url: str, n: int, **kw: object) -> list[httpx.Response]:
    return list(await asyncio.gather(*(http.get(url, **kw) for _ in range(n))))


async def test_metrics_and_access_log_show_a_known_mix(
    server: tuple[str, Path], demo: None, roles: dict[str, dict[str, str]], pool: asyncpg.Pool
) -> None:
    base, log = server
    admin, partner = auth(roles["admin"]), auth(roles["partner"])
    sent: list[httpx.Response] = []
    limits = httpx.Limits(max_connections=200)
    # Uncompressed, so that the bytes logged and counted are the bodies' lengths.
    plain = {"Accept-Encoding": "identity"}
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits, headers=plain) as http:
        before = samples((await http.get("/metrics", headers=admin)).text)
        sent += [await http.get(ITEMS, params={"limit": 5}) for _ in range(3)]
        sent.append(await http.get(f"{ITEMS}/{uuid.uuid4()}"))
        sent.append(await http.get("/me", headers=partner))
        sent += [await http.get("/statistics") for _ in range(4)]  # both workers: a hit
        csv = {"f": "csv", "municipality": "05513000"}
        sent.append(await http.get(ITEMS, params=csv))
        # Over the default rate limit with one key: more at once than it allows.
        while not any(r.status_code == 429 for r in sent):
            sent += await burst(http, "/conformance", 120, headers=partner)
        # More heavy pages at once than the default slots hold.
        while not any(r.status_code == 503 for r in sent):
            sent += await burst(http, ITEMS, 12, params={"limit": 3000}, headers=admin)
        await asyncio.sleep(1.5)  # the rate-limit window passes
        after = samples((await http.get("/metrics", headers=admin)).text)
        anonymous = await http.get("/metrics")
        as_partner = await http.get("/metrics", headers=partner)

    assert anonymous.status_code == 401 and as_partner.status_code == 403
    assert anonymous.headers["content-type"] == "application/problem+json"
    counted = Counter((r.request.url.path, r.status_code) for r in sent)
    templates = {p: p for p in (ITEMS, "/conformance", "/me", "/statistics")}

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    by_route: Counter = Counter()
    for (path, status), n in counted.items():
        route = templates.get(path, ITEMS + "/{measure_id}")
        by_route[(route, status)] += n
    for (route, status), n in by_route.items():
        assert (
            grew("klimawerk_http_requests_total", route=route, method="GET", status=str(status))
            == n
        ), (route, status)
    rate_limited = counted[("/conformance", 429)]
    shed = counted[(ITEMS, 503)]
    assert (
        rate_limited
        and grew("klimawerk_refusals_total", reason="rate_limit", route="/conformance")
        == rate_limited
    )
    assert shed and grew("klimawerk_refusals_total", reason="slots", route=ITEMS) == shed
    export = next(r for r in sent if "f=csv" in str(r.request.url))
    assert export.status_code == 200 and len(export.content) > 1000
    assert grew("klimawerk_export_bytes_total", route=ITEMS) == len(export.content)
    assert grew("klimawerk_response_cache_lookups_total", result="hit") >= 1
    assert grew("klimawerk_response_cache_lookups_total", result="miss") >= 1
    histogram = grew("klimawerk_http_request_duration_seconds_count", route=ITEMS, method="GET")
    assert histogram == sum(n for (path, _), n in counted.items() if path == ITEMS)
    assert value(after, "klimawerk_slots_size", kind="heavy") == 2 * 2  # two workers
    assert value(after, "klimawerk_pool_max_connections") > 0
    assert value(after, "klimawerk_measures", review_state="published") > 0

    lines = _access_lines(log, {r.headers["x-request-id"] for r in sent})
    for response in sent:
        line = lines[response.headers["x-request-id"]]
        assert set(line) == FIELDS
        assert line["status"] == response.status_code and line["method"] == "GET"
        assert line["path"] == response.request.url.path
        assert line["client"] == "127.0.0.0/24"  # truncated by default
        assert line["bytes"] == len(response.content) and line["duration_ms"] >= 0
    refused = [lines[r.headers["x-request-id"]] for r in sent if r.status_code == 429]
    # A worker that looked the key up before names the partner; the other knows a key.
    callers = {(x["refusal"], x["caller"], x["partner"]) for x in refused}
    assert callers <= {("rate_limit", "key", None), ("rate_limit", "partner", "Vivawest")}
    me = lines[sent[4].headers["x-request-id"]]
    assert (me["route"], me["caller"], me["partner"]) == ("/me", "partner", "Vivawest")
    assert lines[sent[0].headers["x-request-id"]]["caller"] == "anonymous"
    text = log.read_text()
    for headers in (admin, partner):
        assert headers["Authorization"].split()[1] not in text  # never the key


def _access_lines(log: Path, ids: set[str]) -> dict[str, dict]:
    """The access-log lines of `ids`, once all are written (a thread writes them)."""
    deadline = time.monotonic() + 10
    while True:
        lines = {}
        for raw in log.read_text().splitlines():
            if raw.startswith("{"):
                line = json.loads(raw)
                assert line["request_id"] not in lines or line["request_id"] not in ids
                lines[line["request_id"]] = line
        if ids <= set(lines) or time.monotonic() > deadline:
            assert ids <= set(lines), len(ids - set(lines))
            return lines
        time.sleep(0.2)


async def test_the_grafana_dashboard_asks_only_for_served_metrics(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    await client.get(ITEMS, params={"limit": 1})
    served_text = (await client.get("/metrics", headers=auth(roles["admin"]))).text
    dashboard = Path(__file__).parents[2] / "deploy" / "grafana" / "klimawerk-dashboard.json"
    asked = set(re.findall(r"klimawerk_[a-z_]+", dashboard.read_text()))
    asked.discard("klimawerk_registry")  # the dashboard's own uid
    assert asked and {name for name in asked if name not in served_text} == set()


async def test_a_known_key_is_logged_with_its_partner_where_no_lookup_was_needed(
    client: httpx.AsyncClient,
    roles: dict[str, dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(caplog.handler)
    try:
        unknown = await client.get("/conformance", headers={"X-API-Key": "kw_never_issued"})
        await client.get("/me", headers=auth(roles["other_partner"]))
        known = await client.get("/conformance", headers=auth(roles["other_partner"]))
    finally:
        logger.removeHandler(caplog.handler)
    lines = {
        line["request_id"]: line for line in (json.loads(r.getMessage()) for r in caplog.records)
    }
    first = lines[unknown.headers["x-request-id"]]
    assert (first["caller"], first["partner"]) == ("key", None)
    line = lines[known.headers["x-request-id"]]
    assert (line["caller"], line["partner"]) == ("partner", "Vonovia")
    assert roles["other_partner"]["Authorization"].split()[1] not in caplog.text


async def test_a_body_over_the_limit_counts_as_a_body_limit_refusal(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    def refused(text: str) -> float:
        name = 'klimawerk_refusals_total{reason="body_limit",route="/impact"} '
        line = next((x for x in text.splitlines() if x.startswith(name)), name + "0")
        return float(line.split()[-1])

    admin = {"Authorization": roles["admin"]["Authorization"]}
    before = refused((await client.get("/metrics", headers=admin)).text)
    too_big = b'{"type": "Feature", "x": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}'
    response = await client.post(
        "/impact", content=too_big, headers={"Content-Type": "application/geo+json"}
    )
    assert response.status_code == 413
    assert refused((await client.get("/metrics", headers=admin)).text) == before + 1
