"""The one message catalogue of the registry: every text a caller reads, per language.

`de.json` and `en.json` map a message id to a template with `{name}` placeholders. The
server renders problems with it (`text`), and the map loads the same files from
`/messages` (`app/api/messages.py`), so a message is written once per language.
German is the default: the registry's users are German municipalities.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

LANGS = ("de", "en")
DEFAULT_LANG = "de"
_HERE = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language (German for an unknown language)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    return json.loads((_HERE / f"{lang}.json").read_text(encoding="utf-8"))


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The caller's language: `lang` when it is one we speak, else the language we speak
    that `Accept-Language` weighs highest (RFC 9110 q-values, first listed on a tie),
    else German. Malformed parts are skipped, never an error."""
    if chosen in LANGS:
        return chosen
    best, best_q = DEFAULT_LANG, 0.0
    for part in (accept_language or "")[:1000].split(","):
        tag, _, params = part.partition(";")
        code = tag.strip().lower()[:2]
        if code not in LANGS or tag.strip()[2:3] not in ("", "-"):
            continue
        q = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value) if value.strip().isascii() else -1.0
            except ValueError:
                q = -1.0
        if q > best_q and q <= 1.0:
            best, best_q = code, q
    return best


def text(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The message `code` in `lang` with its parameters filled in; the other language's
    text, then the id itself, when a message is missing (never an error on an error)."""
    template = catalogue(lang).get(code) or catalogue("en").get(code) or code
    return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)


def problem(where: str, code: str, **params: Any) -> dict[str, Any]:
    """A validation problem at a JSON pointer: its id and parameters, and its English
    text for callers outside HTTP (the CLI, logs); `localised` renders it per request."""
    return {"where": where, "problem": text(code, "en", **params), "code": code, "params": params}


def localised(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """A problem as a caller reads it: the text in `lang`, the id, no raw parameters."""
    out = {k: v for k, v in item.items() if k != "params"}
    if "code" in item:
        out["problem"] = text(item["code"], lang, **item.get("params", {}))
    return out
