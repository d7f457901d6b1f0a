"""Pages over HEAVY_PAGE_SIZE rows: HTML rendered in a worker process, same page as inline."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("demo")
ITEMS = "/collections/measures/items"


def _rows(html: str) -> int:
    return len(
        re.findall(r'<th scope="row"><a href="http://testserver/collections/measures/items/', html)
    )


async def test_a_big_html_page_renders_in_a_worker_like_a_small_one(
    client: httpx.AsyncClient,
) -> None:
    small = await client.get(ITEMS, params={"limit": 1000, "f": "html"})
    big = await client.get(ITEMS, params={"limit": 1500, "f": "html"})
    assert big.status_code == 200 and big.headers["content-type"].startswith("text/html")
    assert (_rows(small.text), _rows(big.text)) == (1000, 1500)
    assert "\x1e" not in big.text  # every url_for marker resolved
    crumbs = re.compile(r'<nav class="crumbs".*?</nav>', re.S)
    same_crumbs = crumbs.search(big.text).group(0).replace("limit=1500", "limit=1000")
    assert same_crumbs == crumbs.search(small.text).group(0)
    assert 'href="http://testserver/"' in big.text
