"""SQL functions by version: `migrations/sql/<function>/<revision>.sql`.

Each file is the whole `CREATE OR REPLACE FUNCTION` statement of one function as one
revision defines it. A revision that changes a function adds a file named after itself
and leaves the older files alone; its downgrade loads the file of the version it goes
back to. So a function body exists once per version, and no revision reads another
revision's Python. Hand-written rather than alembic_utils: that library writes each
body into the revision itself, and a downgrade repeats the previous one.
"""

from __future__ import annotations

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent


def function_sql(name: str, revision: str) -> str:
    """The statement that (re)defines function `name` as revision `revision` has it."""
    path = SQL_DIR / name / f"{revision}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no version {revision} of SQL function {name} ({path})")
    return path.read_text(encoding="utf-8")
