"""`klimawerk serve` sums the metrics of its workers, on a port of their own when
METRICS_PORT is set (and then not on the API port)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import free_port

KLIMAWERK = Path(sys.executable).with_name("klimawerk")


def _requests_counted(text: str, route: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "klimawerk_http_requests_total" and s.labels["route"] == route
    )


def test_two_workers_add_up_on_the_metrics_port(dsn: str, tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(DATABASE_URL=dsn, METRICS_PORT=str(metrics_port), RATE_LIMIT="")
    with (tmp_path / "out.log").open("wb") as out:
        process = subprocess.Popen(
            [str(KLIMAWERK), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        # New connections each time: the kernel spreads them over both workers.
        for _ in range(40):
            assert httpx.get(f"{base}/conformance").status_code == 200
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert scraped.status_code == 200
        assert _requests_counted(scraped.text, "/conformance") == 40
        assert httpx.get(f"{base}/metrics").status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=15)
