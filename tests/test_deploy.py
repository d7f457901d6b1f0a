"""The container path, checked without a container runtime: deploy/compose.yaml is a
coherent topology, and every health check runs with what its image has (the API image has
the standard library and the runtime dependencies, never the dev extra).

`make container-check` builds and runs it for real where podman is available."""

from __future__ import annotations

import ast
import re
import shlex
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# What a health check may run in an image other than the API's (curl: the nginx image).
OTHER_IMAGE_TOOLS = {"pg_isready", "curl"}


def runtime_modules() -> set[str]:
    """Top-level modules the API image has: the standard library and the runtime deps."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[\[<>=! ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    return set(sys.stdlib_module_names) | {n.replace("-", "_") for n in names} | {"app"}


def imports_of(code: str) -> set[str]:
    """The top-level modules a `python -c` program imports."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def health_commands() -> list[tuple[str, list[str]]]:
    """(where, command) of every health check: each service's and the Dockerfile's."""
    checks = []
    for name, service in COMPOSE["services"].items():
        merged = service.get("healthcheck") or {}
        if not merged or merged.get("disable"):
            continue
        checks.append((f"service {name}", merged["test"]))
    line = re.search(r"HEALTHCHECK .*?CMD (\[[^\n]*\])", DOCKERFILE, re.S)
    assert line, "the Dockerfile has no HEALTHCHECK"
    checks.append(("Dockerfile", ast.literal_eval(line.group(1))))
    return checks


@pytest.mark.parametrize(("where", "test"), health_commands(), ids=lambda v: str(v)[:30])
def test_health_checks_need_nothing_their_image_lacks(where: str, test: list[str]) -> None:
    command = {"CMD": test[1:], "CMD-SHELL": shlex.split(test[-1])}.get(test[0], test)
    if command[0] == "python":
        assert command[1] == "-c", where
        foreign = imports_of(command[2]) - runtime_modules()
        assert not foreign, f"{where} imports {foreign}, which the API image does not install"
    else:
        assert command[0] in OTHER_IMAGE_TOOLS, f"{where} runs {command[0]}"


def test_every_dependency_is_a_service_and_the_apis_wait_for_the_migration() -> None:
    services = COMPOSE["services"]
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} depends on unknown {needed}"
    for api in ("api1", "api2"):
        wait = services[api]["depends_on"]["migrate"]["condition"]
        assert wait == "service_completed_successfully"
        assert "migrate" not in str(services[api].get("command", ""))
    assert "migrate" in " ".join(services["migrate"]["command"])


def test_the_apis_trust_forwarded_headers_only_from_the_proxy_network() -> None:
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    for api in ("api1", "api2"):
        env = COMPOSE["services"][api]["environment"]
        assert env["FORWARDED_ALLOW_IPS"] == env["TRUSTED_PROXIES"] == subnet
        assert "*" not in subnet


def test_the_image_is_built_for_production() -> None:
    stages = DOCKERFILE.split("\nFROM ")
    final = stages[-1]
    assert re.search(r"^USER (?!root)\w+", final, re.M), "the final stage runs as root"
    assert "pip install -e" not in DOCKERFILE and "--editable" not in DOCKERFILE
    # Dependencies are installed before the code is copied in.
    assert DOCKERFILE.index("-r runtime.txt") < DOCKERFILE.index("COPY app ")
    assert "db migrate" not in final, "replicas must not migrate on start"
    assert re.search(r"^ARG PYTHON_IMAGE=", DOCKERFILE, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".data", ".venv", "node_modules", ".git"} <= set(ignored)


def test_nginx_compresses_json_geojson_and_tiles() -> None:
    template = (ROOT / "deploy" / "nginx" / "nginx.conf.template").read_text()
    types = re.search(r"gzip_types([^;]*);", template)
    assert "gzip on;" in template and types
    for media in ("application/json", "application/geo+json", "application/vnd.mapbox-vector-tile"):
        assert media in types.group(1).split()
