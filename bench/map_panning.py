"""Frame times of the map while panning, in headless Chromium (the Debian package).

Against a running server (`--base`, default http://127.0.0.1:$PORT) with many measures
(docs/benchmarks.md uses 200,000): for each view, opens /map there, waits until no tile
is loading ("load"), then drags the map 290 px with the mouse and records the
requestAnimationFrame intervals over 120 frames meanwhile. Also the largest tile fetched
and the bytes of tiles per view. Every view is opened twice; the second (warm tile cache)
counts.

    .venv/bin/python -m bench.map_panning --base http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import time

from playwright.async_api import Page, async_playwright

VIEWS = {
    "region (fitted)": "",
    "z11": "#11/51.52/7.10",
    "z12": "#12/51.52/7.10",
    "z13": "#13/51.52/7.10",
    "z15": "#15/51.52/7.10",
}

# requestAnimationFrame intervals over the next 120 frames.
FRAMES = """
async () => {
  const times = [];
  let last = performance.now();
  await new Promise((resolve) => {
    const tick = (now) => {
      times.push(now - last);
      last = now;
      if (times.length < 121) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  return times.slice(1);
}
"""


async def drag(page: Page) -> list[float]:
    """Drags the map 290 px to the left with the mouse while frames are recorded."""
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    recording = asyncio.create_task(page.evaluate(FRAMES))
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x - 290, y, steps=120)
    await page.mouse.up()
    return await recording


async def settle(page: Page) -> None:
    await page.wait_for_function("() => !document.querySelector('.leaflet-tile-loading')")


async def measure(page: Page, base: str, fragment: str) -> dict[str, float]:
    start = time.perf_counter()
    await page.goto(f"{base}/map{fragment}")
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)
    load = time.perf_counter() - start
    times = await drag(page)
    await settle(page)
    # Sizes as the browser received them (before and after any content encoding).
    sizes = await page.evaluate(
        "performance.getEntriesByType('resource')"
        ".filter((e) => e.name.includes('/tiles/WebMercatorQuad/'))"
        ".map((e) => [e.decodedBodySize, e.encodedBodySize])"
    )
    ordered = sorted(times)
    return {
        "load_s": round(load, 2),
        "frame_p50_ms": round(statistics.median(times), 1),
        "frame_p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "frame_max_ms": round(max(times), 1),
        "tiles": len(sizes),
        "tile_max_kb": round(max((d for d, _ in sizes), default=0) / 1024, 1),
        "tiles_kb": round(sum(d for d, _ in sizes) / 1024, 1),
        "tiles_transferred_kb": round(sum(e for _, e in sizes) / 1024, 1),
    }


async def run(base: str, views: list[str]) -> dict[str, dict[str, float]]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("chromium is not installed")
    results = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        for name in views:
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await context.new_page()
            await measure(page, base, VIEWS[name])  # warms the server's tile cache
            await context.close()
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await context.new_page()
            results[name] = await measure(page, base, VIEWS[name])
            await context.close()
        await browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--view", action="append", choices=list(VIEWS), help="default: all")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = asyncio.run(run(args.base, args.view or list(VIEWS)))
    print(
        "| view | load | frame p50 | frame p95 | longest frame | largest tile "
        "| tiles (decoded, transferred) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['load_s']} s | {r['frame_p50_ms']} ms | {r['frame_p95_ms']} ms "
            f"| {r['frame_max_ms']} ms | {r['tile_max_kb']} kB "
            f"| {r['tiles']} ({r['tiles_kb']} kB, {r['tiles_transferred_kb']} kB) |"
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
