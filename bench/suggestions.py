"""Latency of the map's search box: `/collections/measures/suggestions` for the text a
person types, letter by letter, into it (part of `make bench`).

Every request is a different text, as typing makes it, so no cache answers it. The
texts are the beginnings (2 letters on) of words of measures' titles, of German type
labels and city names, some with a typo, taken from the loaded data with a fixed seed.
"""

from __future__ import annotations

import random
import re
import time

import asyncpg
import httpx

PATH = "/collections/measures/suggestions"


async def typed_texts(url: str, seed: int = 7, titles: int = 40) -> list[str]:
    """What people type: each word of some titles and cities, one letter more at a time."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SELECT setseed($1)", (seed % 1000) / 1000)
        names = [
            r["title"]
            for r in await conn.fetch(
                "SELECT title FROM measures TABLESAMPLE SYSTEM (1) REPEATABLE ($1)"
                " ORDER BY id LIMIT $2",
                seed,
                titles,
            )
        ]
        names += [r["name"] for r in await conn.fetch("SELECT name FROM municipalities")]
    finally:
        await conn.close()
    rng = random.Random(seed)
    texts: list[str] = []
    for name in names:
        word = rng.choice([w for w in re.findall(r"[^\W\d_]+", name) if len(w) > 2] or ["dach"])
        texts += [word[:n] for n in range(2, len(word) + 1)]
        if len(word) >= 6:  # the whole word with one letter doubled: a typo
            i = rng.randrange(1, len(word) - 1)
            texts.append(word[:i] + word[i] + word[i:])
    return list(dict.fromkeys(texts))


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def measure(base: str, url: str) -> dict[str, float]:
    """p50/p95/p99 of one suggestion request per typed text, one after the other."""
    texts = await typed_texts(url)
    times = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for text in texts[:5]:  # warm the connections and the plan cache
            (await client.get(PATH, params={"q": text})).raise_for_status()
        for text in texts:
            started = time.perf_counter()
            response = await client.get(PATH, params={"q": text})
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return {
        "rps": 1000 * len(times) / sum(times),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "non2xx": 0,
        "requests": len(times),
    }
