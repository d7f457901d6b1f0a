"""Imports point one way: the query model and the domain are leaves; `app/ogc` and
`app/sql` do not import each other; `app/auth` does not reach into SQL; the guards
import nothing from `app/api`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"


def imported_packages(package: str) -> set[str]:
    """The `app.<package>` names imported anywhere in `app/<package>` (also under
    TYPE_CHECKING: a type-only import is still a dependency of the reader)."""
    found: set[str] = set()
    for path in (APP / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "app" and len(parts) > 1:
                    found.add(parts[1])
    return found - {package}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("query", {"errors"}),
        ("domain", {"errors", "query"}),
        ("auth", {"errors", "domain", "query"}),
        ("ogc", {"errors", "http", "query"}),
        # One reading of the request: a leaf every layer may use.
        ("http", {"errors", "config"}),
        # Guards run before routing; they share the handlers' parsers, never the routers.
        # They ask the key store (`db`, `sql`), keep budgets shared in PostgreSQL and mark
        # keyed work for the reserved worker processes (`services`).
        ("guards", {"errors", "http", "auth", "domain", "ogc", "query", "db", "sql", "services"}),
        ("sql", {"errors", "domain", "query"}),
        ("db", {"config", "domain", "errors"}),
        # Services are used by the API and the CLI, never the other way round.
        ("services", {"auth", "config", "db", "domain", "errors", "query", "schemas", "sql"}),
        (
            "api",
            {"auth", "config", "db", "domain", "errors", "guards", "http", "ogc", "query"}
            | {"observability", "schemas", "services", "sql"},
        ),
    ],
)
def test_package_imports_only_what_lies_below_it(package: str, allowed: set[str]) -> None:
    assert imported_packages(package) <= allowed, imported_packages(package) - allowed


def test_nothing_below_the_routers_imports_them() -> None:
    for package in ("guards", "http", "auth", "ogc", "sql", "domain", "query", "services"):
        assert "api" not in imported_packages(package), package
