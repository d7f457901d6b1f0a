"""nginx (the Debian package) in front of the API, with a tile cache: its configuration,
start and stop. `make run-cluster` and the tests run it from `deploy/nginx/`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from app.config import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "nginx.conf.template"


class ProxyError(RuntimeError):
    """nginx is missing or did not start; the message says why."""


def find_nginx() -> str:
    """The nginx binary (Debian: nginx-light or nginx)."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise ProxyError("nginx is not installed: sudo apt-get install nginx-light")
    return found


def render(run_dir: Path, listen: str, upstreams: list[str]) -> str:
    """The nginx.conf of the template for this run directory, address and API servers."""
    # As root the workers run as nobody, which must write the cache.
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server {u} max_fails=0;" for u in upstreams)
    return (
        TEMPLATE.read_text()
        .replace("@@USER@@", user)
        .replace("@@RUN@@", str(run_dir))
        .replace("@@LISTEN@@", listen)
        .replace("@@UPSTREAMS@@", servers)
    )


def start(run_dir: Path, listen: str, upstreams: list[str]) -> Path:
    """Write the configuration into `run_dir` and start nginx (in the background)."""
    nginx = find_nginx()
    stop(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(render(run_dir, listen, upstreams))
    if os.geteuid() == 0:
        for path in (run_dir, *run_dir.rglob("*")):
            shutil.chown(path, "nobody", "nogroup")
    result = subprocess.run(
        [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log")],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ProxyError(f"nginx did not start: {result.stderr.strip()[-1000:]}")
    return conf


def stop(run_dir: Path) -> bool:
    """Stop the nginx of `run_dir`; False when none was running."""
    pid_file = run_dir / "nginx.pid"
    if not pid_file.exists():
        return False
    conf = run_dir / "nginx.conf"
    result = subprocess.run(
        [
            find_nginx(),
            "-p",
            str(run_dir),
            "-c",
            str(conf),
            "-e",
            str(run_dir / "error.log"),
            "-s",
            "quit",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return False
    for _ in range(50):  # the master finishes its connections, then removes its pid file
        if not pid_file.exists():
            break
        time.sleep(0.1)
    return True
