"""What the API answers to a filter: every matching id, over all pages."""

from __future__ import annotations

import httpx

ITEMS = "/collections/measures/items"


async def matched(client: httpx.AsyncClient, params: dict) -> set[str]:
    """The ids of every measure the API returns for `params`, following next links."""
    ids, url, query = set(), ITEMS, {**params, "limit": 10000}
    while url:
        response = await client.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        ids |= {f["id"] for f in body["features"]}
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        query = None
    return ids
