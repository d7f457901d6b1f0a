"""Problems in the caller's language: German by default, English on request, every
problem of a write in one answer, cities by name; and `/messages`, the one catalogue."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from app.domain.messages import catalogue
from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, roof

pytestmark = pytest.mark.usefixtures("clean")
SOON = dt.date.today() + dt.timedelta(days=90)


def two_mistakes() -> dict:
    """The partner's save of the issue: no title, a completion date in the future."""
    doc = roof(completed_on=str(SOON))
    del doc["properties"]["title"]
    return doc


def by_pointer(response: httpx.Response) -> dict[str, dict]:
    return {e["where"]: e for e in response.json()["errors"]}


async def test_a_write_reports_every_problem_at_once_in_german(
    client: httpx.AsyncClient, roles: dict
) -> None:
    response = await client.post(ITEMS, json=two_mistakes(), headers=auth(roles["partner"]))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == "de"
    problem = response.json()
    assert problem["title"] == "Ungültige Maßnahme"
    assert problem["detail"].startswith("Die Maßnahme wurde nicht gespeichert: ")
    errors = by_pointer(response)
    assert set(errors) == {"/properties/title", "/properties/completed_on"}
    assert errors["/properties/title"]["problem"] == "ist ein Pflichtfeld"
    assert errors["/properties/title"]["code"] == "property.required"
    assert errors["/properties/completed_on"]["problem"].startswith(
        f"{SOON} liegt in der Zukunft; eine abgeschlossene Maßnahme"
    )
    assert "params" not in errors["/properties/completed_on"]


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?lang=en", {}),
        ("", {"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"}),
        ("", {"Accept-Language": "de;q=0.3, en;q=0.8"}),
        ("?lang=en&lang=en", {"Accept-Language": "de"}),
    ],
)
async def test_english_on_request(
    client: httpx.AsyncClient, roles: dict, query: str, headers: dict
) -> None:
    response = await client.post(
        ITEMS + query, json=two_mistakes(), headers=auth(roles["partner"]) | headers
    )
    assert response.status_code == 422
    assert response.headers["content-language"] == "en"
    assert response.json()["title"] == "Invalid measure"
    errors = by_pointer(response)
    assert errors["/properties/title"]["problem"] == "is required"
    assert "lies in the future" in errors["/properties/completed_on"]["problem"]


@pytest.mark.parametrize(
    "query",
    [
        "?lang=",
        "?lang=EN",
        "?lang=%20en",
        "?lang=en_GB",
        "?lang=%C2%B2",
        "?lang=%D9%A3",
        "?lang=-1",
        "?lang=" + "9" * 5000,
        "?lang=fr",
    ],
)
async def test_unknown_lang_values_are_german_never_an_error(
    client: httpx.AsyncClient, roles: dict, query: str
) -> None:
    response = await client.post(ITEMS + query, json=two_mistakes(), headers=auth(roles["partner"]))
    assert response.status_code == 422
    assert response.headers["content-language"] == "de"
    assert by_pointer(response)["/properties/title"]["problem"] == "ist ein Pflichtfeld"


@pytest.mark.parametrize(
    "accept_language",
    [
        "",
        "*",
        "english",
        "en;q=abc",
        "en;q=٣".encode(),
        "en;q=0",
        "en;q=2",
        "en;q=nan",
        "en" * 3000,
        ",",
    ],
)
async def test_odd_accept_language_headers_fall_back_to_german(
    client: httpx.AsyncClient, roles: dict, accept_language: str
) -> None:
    headers = auth(roles["partner"]) | {"Accept-Language": accept_language}
    response = await client.post(ITEMS, json=two_mistakes(), headers=headers)
    assert response.status_code == 422
    assert response.headers["content-language"] == "de"


async def test_a_refusal_names_the_city_not_its_code(
    client: httpx.AsyncClient, roles: dict
) -> None:
    essen_key = auth(roles["essen_reviewer"])  # the roof lies in Gelsenkirchen
    german = await client.post(ITEMS, json=roof(), headers=essen_key)
    assert german.status_code == 403
    assert german.json()["title"] == "Nicht erlaubt"
    assert (
        german.json()["detail"] == "Dieser Schlüssel darf keine Maßnahmen in Gelsenkirchen anlegen"
    )
    english = await client.post(ITEMS + "?lang=en", json=roof(), headers=essen_key)
    assert english.json()["detail"] == (
        "this key may not create measures in Gelsenkirchen (05513000)"
    )


async def test_other_problems_have_german_titles(client: httpx.AsyncClient) -> None:
    missing = await client.get("/collections/measures/items/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["title"] == "Nicht gefunden"
    anonymous = await client.post(ITEMS, json=roof())
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Zum Anlegen und Ändern von Maßnahmen")


async def test_the_catalogue_is_served_in_both_languages(client: httpx.AsyncClient) -> None:
    response = await client.get("/messages")
    assert response.status_code == 200
    assert response.headers["etag"]
    doc = response.json()
    assert doc["de"]["property.required"] == "ist ein Pflichtfeld"
    assert doc["en"]["property.required"] == "is required"
    assert doc["de"]["map.percentPoints"] == "Prozentpunkte"
    assert doc == {"de": catalogue("de"), "en": catalogue("en")}
