"""The static files under a content-hashed prefix, cached by browsers for a year.

`/assets/<hash>/map/main.js` serves `static/map/main.js`, where `<hash>` is a hash of
every file under `static/`. A page links its scripts and styles with `{{ static() }}`, so
a browser that has the files asks for none of them again (`immutable`), and any change
of any file gives a new prefix. One hash for the whole tree rather than one per file: the
map's ES modules import each other by relative path and Leaflet's CSS names its images
relatively, and all of them resolve inside the same prefix without a bundler rewriting
them. `/static/...` keeps serving the same files, revalidated, for links from elsewhere.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
PREFIX = "/assets"
IMMUTABLE = "public, max-age=31536000, immutable"


def tree_hash(directory: Path) -> str:
    """A short hash of the names and bytes of every file under `directory`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class HashedStaticFiles(StaticFiles):
    """Static files under `<hash>/`: immutable when the hash is the current one."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.root = directory

    @property
    def version(self) -> str:
        """The current hash of the tree (computed once per process)."""
        return _version_of(self.root)

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file after the hash; a page of an earlier deployment still gets its files,
        but revalidated, so that no browser keeps today's bytes under yesterday's hash."""
        version, _, rest = path.partition("/")
        response = await super().get_response(rest, scope)
        if response.status_code in (200, 304):
            current = version == self.version
            response.headers["Cache-Control"] = IMMUTABLE if current else "no-cache"
        return response


@lru_cache(maxsize=4)
def _version_of(directory: Path) -> str:
    return tree_hash(directory)


def static_base() -> str:
    """The URL prefix of the static files for links in pages (`{{ static() }}/map/…`)."""
    return f"{PREFIX}/{_version_of(STATIC_DIR)}"
