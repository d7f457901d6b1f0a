"""Text search `q` on measures: word forms, umlauts and ß, prefixes, typos, ranking,
filters, paging, exports and statistics, on measures the tests create."""

from __future__ import annotations

import csv
import io

import asyncpg
import httpx
import pytest
from shapely.geometry import Point, box

from tests.api.conftest import auth
from tests.factories import insert_measure

pytestmark = pytest.mark.usefixtures("clean")
ITEMS = "/collections/measures/items"
GELSENKIRCHEN, ESSEN, BOTTROP = "05513000", "05113000", "05512000"
# Points well inside each city.
IN_GELSENKIRCHEN = Point(7.10, 51.52)
IN_ESSEN = Point(7.01, 51.45)
IN_BOTTROP = Point(6.93, 51.52)

MEASURES = {
    "school": dict(
        type="green_roof_extensive",
        title="Gründächer der Gesamtschule Berger Feld",
        description="Extensive Begrünung auf 1.200 m² Dachfläche",
        at=IN_GELSENKIRCHEN,
    ),
    "trench": dict(
        type="infiltration_trench",
        title="Entwässerung Bismarck",
        description="Ein Mulden-Rigolen-System an der Kurt-Schumacher-Straße",
        funding="Klimaresilienz in Kommunen",
        at=IN_GELSENKIRCHEN,
    ),
    "cistern": dict(
        type="cistern",
        title="Zisterne Essener Strasse 5",
        partner="Planungsbüro Wasserlauf",
        at=IN_BOTTROP,
    ),
    "yard": dict(
        type="unsealing",
        title="Schulhof entsiegelt",
        description="Der Hof der Gesamtschule wird entsiegelt; danach ein Gründach",
        at=IN_ESSEN,
    ),
}


@pytest.fixture
async def measures(pool: asyncpg.Pool) -> dict[str, str]:
    """The measures above, committed and published; their ids by name."""
    ids = {}
    async with pool.acquire() as conn:
        for name, spec in MEASURES.items():
            spec = dict(spec)
            geometry = spec.pop("at")
            if spec["type"] != "cistern":
                geometry = box(geometry.x, geometry.y, geometry.x + 0.0003, geometry.y + 0.0002)
            row = await insert_measure(conn, geometry, **spec)
            ids[name] = str(row["id"])
    return ids


async def found(client: httpx.AsyncClient, q: str, **params: str) -> list[str]:
    """Ids of the measures `q` finds, in the order of the answer."""
    response = await client.get(ITEMS, params={"q": q, "limit": "100", **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["numberMatched"] == len(body["features"])
    return [f["id"] for f in body["features"]]


def names(ids: dict[str, str], answer: list[str]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[i] for i in answer}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Gründach", {"school", "yard"}),  # Gründächer, Gründach
        ("Gesamtschulen", {"school", "yard"}),  # a form neither text has
        ("gruendaecher", {"school", "yard"}),  # umlauts written out
        ("GRÜNDÄCHER", {"school", "yard"}),
        ("Straße", {"cistern", "trench"}),  # Strasse and Straße
        ("strasse", {"cistern", "trench"}),
        ("rigol", {"trench"}),  # a word's beginning inside Mulden-Rigolen-System
        ("Mulden-Rigole", {"trench"}),
        ("Gesamtschle", {"school", "yard"}),  # one letter missing: corrected, then found
        ("bergre feld", {"school"}),  # every word of a term (one with a typo)
        ("Berger Wiese", set()),
        ("Wasserlauf", {"cistern"}),  # partner
        ("Klimaresilienz", {"trench"}),  # funding
        ("Versickerungsmulde, Zisterne", {"cistern"}),  # German type labels; any term
        ("rainwater", {"cistern"}),  # English label "Cistern, rainwater harvesting"
        ("Bottrop", {"cistern"}),  # municipality name
        ("Mülheim", set()),
        ("Bismarck, entsiegeln", {"trench", "yard"}),
    ],
)
async def test_q_finds_measures_by_what_people_call_them(
    client: httpx.AsyncClient, measures: dict[str, str], q: str, expected: set[str]
) -> None:
    assert names(measures, await found(client, q)) == expected


async def test_title_words_rank_above_description_words(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    answer = await found(client, "Gesamtschule")
    assert answer == [measures["school"], measures["yard"]]
    # sortby overrides relevance.
    assert await found(client, "Gesamtschule", sortby="title") == [
        measures["school"],
        measures["yard"],
    ]
    assert await found(client, "Gesamtschule", sortby="-title") == [
        measures["yard"],
        measures["school"],
    ]


async def test_q_combines_with_municipality_bbox_and_filter(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    assert names(measures, await found(client, "Gründach", municipality=GELSENKIRCHEN)) == {
        "school"
    }
    around_essen = "6.99,51.44,7.03,51.46"
    assert names(measures, await found(client, "Gründach", bbox=around_essen)) == {"yard"}
    assert names(measures, await found(client, "Gründach,Straße", filter="type = 'cistern'")) == {
        "cistern"
    }


async def test_paging_by_rank_visits_every_match_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    # Seven matches of three different ranks, with ties broken by id.
    async with pool.acquire() as conn:
        for i in range(7):
            title = "Baumrigole" if i % 3 == 0 else f"Pflanzung {i}"
            description = "Baumrigole " * (i % 3) + "im Straßenraum"
            at = box(7.1 + i * 0.001, 51.52, 7.1003 + i * 0.001, 51.5202)
            await insert_measure(conn, at, type="tree_trench", title=title, description=description)
    first = await found(client, "baumrigolen")
    assert len(first) == 7
    seen: list[str] = []
    pages: list[list[str]] = []
    url: str | None = f"{ITEMS}?q=baumrigolen&limit=3"
    while url:
        body = (await client.get(url)).json()
        assert body["numberMatched"] == 7
        pages.append([f["id"] for f in body["features"]])
        seen += pages[-1]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert seen == first and len(pages) == 3
    # And back from the last page.
    prev = next(link["href"] for link in body["links"] if link["rel"] == "prev")
    back = (await client.get(prev)).json()
    assert [f["id"] for f in back["features"]] == pages[1]


async def test_csv_export_and_statistics_follow_q(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    response = await client.get(ITEMS, params={"q": "Gründach", "f": "csv"})
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["id"] for row in rows} == {measures["school"], measures["yard"]}
    stats = await client.get("/statistics", params={"q": "Gründach"})
    assert stats.status_code == 200, stats.text
    assert stats.json()["totals"]["count"] == 2


async def test_the_write_path_keeps_the_search_current(
    client: httpx.AsyncClient, measures: dict[str, str], roles: dict
) -> None:
    url = f"{ITEMS}/{measures['cistern']}"
    etag = (await client.get(url)).headers["etag"]
    response = await client.patch(
        url,
        json={"properties": {"title": "Regenwassertonne am Kindergarten"}},
        headers={**auth(roles["admin"]), "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert names(measures, await found(client, "Kindergärten")) == {"cistern"}
    assert names(measures, await found(client, "Essener Strasse")) == set()


@pytest.mark.parametrize(
    "q",
    [
        "Gründach & Gesamtschule",
        "Gründach | !Gesamtschule",
        "Gründach:*",
        "(Gründach)",
        "'Gründach'",
        '"Gründach"',
        "Gründach\\",
        "Gründach,,,",
        " , Gründach ,",
        "Gründach_",
        "Gründach<->Feld",
    ],
)
async def test_query_syntax_is_plain_text(
    client: httpx.AsyncClient, measures: dict[str, str], q: str
) -> None:
    assert measures["school"] in await found(client, q)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        (",,,", "no word"),
        (" , ", "no word"),
        ("& | ! : * ( ) ' \"", "no word"),
        ("a" * 5000, "5000 characters"),
        (",".join(["dach"] * 1000), "characters"),
        (",".join(["dach"] * 21), "21 comma-separated terms"),
        ("x" * 101, "term 1 of q is 101 characters"),
        ("dach\x00", "U+0000"),
        ("dach\x1b[31m", "U+001B"),
        ("dach\u200b", "U+200B"),
        ("a " * 11, "11 words"),
    ],
)
async def test_hostile_q_is_a_400_naming_the_problem(
    client: httpx.AsyncClient, q: str, message: str
) -> None:
    response = await client.get(ITEMS, params={"q": q})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.json()["detail"]


async def test_an_empty_q_is_no_search(client: httpx.AsyncClient, measures: dict[str, str]) -> None:
    for q in ("", "   "):
        assert len(await found(client, q)) == len(measures)


@pytest.mark.parametrize("q", ["٣", "²", "0", "٣٣٣"])
async def test_digits_of_any_script_are_text(
    client: httpx.AsyncClient, measures: dict[str, str], q: str
) -> None:
    assert await found(client, q) == []


async def test_wide_and_decomposed_letters_are_the_letters_they_show(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "GRUENDACH")  # full-width Latin
    assert names(measures, await found(client, wide)) == {"school", "yard"}
    decomposed = "Gru\u0308nda\u0308cher"  # u + combining diaeresis
    assert names(measures, await found(client, decomposed)) == {"school", "yard"}


async def test_q_is_declared(client: httpx.AsyncClient) -> None:
    api = (await client.get("/api")).json()
    items = api["paths"]["/collections/measures/items"]["get"]
    assert "q" in {p["name"] for p in items["parameters"]}
    statistics = api["paths"]["/statistics"]["get"]
    assert "q" in {p["name"] for p in statistics["parameters"]}


async def test_suggestions_name_cities_first_then_the_best_measures(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    response = await client.get("/collections/measures/suggestions", params={"q": "bott"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["name"] for m in body["municipalities"]] == ["Bottrop"]
    assert [m["id"] for m in body["measures"]] == [measures["cistern"]]
    minx, miny, maxx, maxy = body["measures"][0]["bbox"]
    assert minx == maxx == pytest.approx(6.93) and miny == maxy == pytest.approx(51.52)
    school = await client.get(
        "/collections/measures/suggestions", params={"q": "Gesamtschule", "limit": "1"}
    )
    assert [m["title"] for m in school.json()["measures"]] == [MEASURES["school"]["title"]]
    # A typo fills up what the full text does not find.
    typo = await client.get("/collections/measures/suggestions", params={"q": "Zissterne"})
    assert [m["id"] for m in typo.json()["measures"]] == [measures["cistern"]]
    # The other filters hold.
    none = await client.get(
        "/collections/measures/suggestions",
        params={"q": "Gründach", "municipality": BOTTROP},
    )
    assert none.json() == {"municipalities": [], "measures": []}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "q is required"),
        ({"q": "dach", "limit": "11"}, "between 1 and 10"),
        ({"q": "dach", "limit": "0"}, "limit must be between 1 and"),
        ({"q": "dach", "limit": "2.5"}, "whole number"),
        ({"q": "dach", "cursor": "x"}, "unknown query parameter"),
        ({"q": "dach\x00"}, "U+0000"),
    ],
)
async def test_suggestions_refuse_what_they_cannot_answer(
    client: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await client.get("/collections/measures/suggestions", params=params)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


async def test_the_table_page_searches_and_keeps_its_filters(
    client: httpx.AsyncClient, measures: dict[str, str]
) -> None:
    response = await client.get(
        ITEMS,
        params={"f": "html", "q": "Gründach", "municipality": ESSEN},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200, response.text
    page = response.text
    assert 'name="q" type="search" value="Gründach"' in page
    assert f'<input type="hidden" name="municipality" value="{ESSEN}">' in page
    assert measures["yard"][:8] in page and measures["school"][:8] not in page
    assert "1 of 1 matching entries" in page
    assert '<label for="search-q">Search</label>' in page
