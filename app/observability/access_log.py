"""The access log: one JSON line per request on stdout, never the key.

Client addresses follow ACCESS_LOG_CLIENT: `full`, `truncated` (the IPv4 /24 or IPv6 /48
network, enough to tell offices apart, too little to name a person; the default, as
German data-protection practice expects) or `none`.
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import queue
import sys
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from typing import Any

import orjson

LOGGER_NAME = "klimawerk.access"
TRUNCATE_PREFIX = {4: 24, 6: 48}


def client_address(address: str | None, mode: str) -> str | None:
    """The caller's address as the privacy setting allows it to be written."""
    if address is None or mode == "none":
        return None
    if mode == "full":
        return address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a Unix socket or a name: nothing to truncate, nothing to keep
        return None
    network = ipaddress.ip_network(f"{ip}/{TRUNCATE_PREFIX[ip.version]}", strict=False)
    return str(network)


def access_logger() -> logging.Logger:
    """The access logger, writing bare JSON lines to stdout (set up once per process).

    A request only puts its line on a queue; a thread writes it. A slow or full stdout
    (a log collector that lags, a pipe nobody reads) then never stalls the event loop.
    """
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        listener = QueueListener(lines, handler)
        listener.start()
        atexit.register(listener.stop)  # writes what is queued before the process ends
        logger.addHandler(QueueHandler(lines))
        logger.setLevel(logging.INFO)
        # Its own line format: the server's log configuration must not wrap or drop it.
        logger.propagate = False
    return logger


def access_line(
    *,
    request_id: str | None,
    route: str,
    method: str,
    path: str,
    status: int,
    seconds: float,
    sent: int,
    caller: Any,
    refusal: str | None,
    client: str | None,
) -> bytes:
    """One request as a JSON object (keys in a fixed order, `jq` reads them)."""
    return orjson.dumps(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "method": method,
            "route": route,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": sent,
            "caller": getattr(caller, "role", "anonymous"),
            "partner": getattr(caller, "partner", None),
            "refusal": refusal,
            "client": client,
        }
    )
