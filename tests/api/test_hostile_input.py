"""Hostile and careless input against the real server: every request is a 4xx problem.

Each case goes over one kept-alive HTTP connection to uvicorn; a 500 (or a crash)
would also show as a closed connection. The expected status documents the answer.
"""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from tests.api.conftest import auth

ITEMS = "/collections/measures/items"
MUNICIPALITIES = "/collections/municipalities/items"
TILE = "/collections/measures/tiles/WebMercatorQuad/10/530/340"
SOME_ID = "00000000-0000-4000-8000-000000000001"
UTM = "http://www.opengis.net/def/crs/EPSG/0/25832"


@dataclass(frozen=True)
class Case:
    """One hostile request and the status it must get."""

    status: int
    method: str = "GET"
    path: str = ITEMS
    query: dict[str, str] | None = None
    body: str | bytes | None = None
    key: str | None = None  # a role of the `roles` fixture
    headers: dict[str, str] | None = None
    # Headers that may repeat; a value `key:ROLE` is the secret of that role's key.
    repeated: tuple[tuple[str, str], ...] = ()
    names: str | None = None  # what the problem's detail must name


def cql_json(filter: Any) -> dict[str, str]:
    return {"filter": json.dumps(filter), "filter-lang": "cql2-json"}


def cursor(data: Any) -> dict[str, str]:
    return {"cursor": base64.urlsafe_b64encode(json.dumps(data).encode()).decode()}


def feature(properties: dict[str, Any], geometry: Any = None) -> str:
    geometry = geometry or {"type": "Point", "coordinates": [7.0, 51.5]}
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": properties})


PROPERTY = {"property": "version"}
DEEP_PARENS = "(" * 2000 + "version = 1" + ")" * 2000
MANY_NOTS = "NOT " * 4900 + "version = 1"  # just under the length bound: nesting refuses it
DEEP_JSON = '{"op":"not","args":[' * 300 + "true" + "]}" * 300
CISTERN = {"type": "cistern", "title": "Zisterne"}
FIVE_THOUSAND_DIGITS = "9" * 5000
# Spellings of a number that Python's int()/float() or str.isdigit() take but the API
# does not define: a space (%20 and +), a sign, an underscore, a superscript two, an
# Arabic-Indic three, 5,000 digits, nothing at all. Each must be a 400 wherever a
# number is read, in the guards and the handlers alike.
NUMBER_SPELLINGS = {
    "%20 space": "%2010000",
    "+ (a space)": "+10000",
    "%2B sign": "%2B10000",
    "underscore": "10_000",
    "superscript two": "%C2%B2",
    "Arabic-Indic three": "%D9%A3",
    "full-width digits": "%EF%BC%91%EF%BC%90",
    "5,000 digits": FIVE_THOUSAND_DIGITS,
    "empty": "",
    "minus": "-5",
}
SPELLING_CASES = {
    **{
        f"items: limit of {label}": Case(400, path=f"{ITEMS}?limit={raw}", names="limit")
        for label, raw in NUMBER_SPELLINGS.items()
    },
    **{
        f"statistics: year of {label}": Case(400, path=f"/statistics?year={raw}", names="year")
        for label, raw in NUMBER_SPELLINGS.items()
    },
    **{
        f"tiles: zoom of {label}": Case(
            400, path=f"/collections/measures/tiles/WebMercatorQuad/{raw}/0/0", names="z"
        )
        for label, raw in NUMBER_SPELLINGS.items()
        if raw and "+" not in raw and "%20" not in raw  # a path keeps + and spaces apart
    },
    **{
        f"items: bbox number of {label}": Case(400, path=f"{ITEMS}?bbox=7,51,8,{raw}", names="bbox")
        for label, raw in NUMBER_SPELLINGS.items()
        if label not in ("minus",)
    },
    **{
        f"impact: precipitation of {label}": Case(
            400,
            "POST",
            f"/impact?precipitation_mm={raw}",
            body=feature(CISTERN),
            names="precipitation_mm",
        )
        for label, raw in NUMBER_SPELLINGS.items()
    },
    "statistics: year 2024 twice": Case(
        400, path="/statistics?year=2024&year=2025", names="given 2 times"
    ),
    "items: limit twice (guard read the first, handler the last)": Case(
        400, path=f"{ITEMS}?limit=1&limit=10000", names="given 2 times"
    ),
    "items: limit twice, once percent-encoded in its name": Case(
        400, path=f"{ITEMS}?limit=1&lim%69t=10000", names="given 2 times"
    ),
    "items: f=json&f=csv": Case(400, path=f"{ITEMS}?f=json&f=csv", names="given 2 times"),
    "items: f=json&f=gpkg": Case(400, path=f"{ITEMS}?f=json&f=gpkg", names="given 2 times"),
    "items: f=csv twice": Case(400, path=f"{ITEMS}?f=csv&f=csv", names="given 2 times"),
    "items: f=geojson-file&f=json": Case(
        400, path=f"{ITEMS}?f=geojson-file&f=json", names="given 2 times"
    ),
    "items: bbox twice": Case(
        400, path=f"{ITEMS}?bbox=7,51,8,52&bbox=0,0,1,1", names="given 2 times"
    ),
    "items: type twice": Case(400, path=f"{ITEMS}?type=swale&type=cistern", names="given 2 times"),
    "item: crs twice": Case(
        400, path=f"{ITEMS}/{SOME_ID}?crs={UTM}&crs={UTM}", names="given 2 times"
    ),
    "statistics: f=json&f=csv": Case(400, path="/statistics?f=json&f=csv", names="given 2 times"),
    "tiles: filter twice": Case(
        400, path=f"{TILE}?status=completed&status=planned", names="given 2 times"
    ),
    "municipalities: limit twice": Case(
        400, path=f"{MUNICIPALITIES}?limit=1&limit=17", names="given 2 times"
    ),
    "impact: etp twice": Case(
        400, "POST", "/impact?etp_mm=500&etp_mm=600", body=feature(CISTERN), names="given 2 times"
    ),
    "two X-API-Key headers": Case(
        400,
        repeated=(("X-API-Key", "key:partner"), ("X-API-Key", "key:admin")),
        names="different API keys",
    ),
    "a valid and an invented X-API-Key": Case(
        400,
        path="/me",
        repeated=(("X-API-Key", "key:partner"), ("X-API-Key", "kw_invented")),
        names="different API keys",
    ),
    "Bearer and a different X-API-Key": Case(
        400,
        path="/me",
        repeated=(("Authorization", "Bearer key:reviewer"), ("X-API-Key", "key:partner")),
        names="different API keys",
    ),
    "two Bearer keys": Case(
        400,
        path=f"{ITEMS}/{SOME_ID}/history",
        repeated=(("Authorization", "Bearer key:partner"), ("Authorization", "Bearer key:admin")),
        names="different API keys",
    ),
    "Bearer and another X-API-Key on a write": Case(
        400,
        "POST",
        body=feature(CISTERN),
        repeated=(("Authorization", "Bearer key:partner"), ("X-API-Key", "key:other_partner")),
        names="different API keys",
    ),
}

CASES: dict[str, Case] = {
    # Filters that crashed the process (SIGSEGV in the parser), on every endpoint.
    "items: 2,000 nested parentheses": Case(400, query={"filter": DEEP_PARENS}),
    "items: 4,900 NOT": Case(400, query={"filter": MANY_NOTS}),
    "items: 5,000 NOT (too long)": Case(400, query={"filter": "NOT " * 5000 + "version = 1"}),
    "items: cql2-json 300 deep": Case(400, query={"filter": DEEP_JSON, "filter-lang": "cql2-json"}),
    "statistics: 2,000 nested parentheses": Case(
        400, path="/statistics", query={"filter": DEEP_PARENS}
    ),
    "statistics: 4,900 NOT": Case(400, path="/statistics", query={"filter": MANY_NOTS}),
    "tiles: 2,000 nested parentheses": Case(400, path=TILE, query={"filter": DEEP_PARENS}),
    "tiles: 4,900 NOT": Case(400, path=TILE, query={"filter": MANY_NOTS}),
    "items: 600 ORs": Case(400, query={"filter": " OR ".join(["version = 1"] * 600)}),
    # Text search `q`: syntax characters alone, huge terms, many terms, control characters.
    "items: q of syntax characters only": Case(400, query={"q": "& | ! : * ( ) ' \""}),
    "items: q of empty terms": Case(400, query={"q": ",,,"}),
    "items: q term of 5,000 characters": Case(400, query={"q": "gründach" * 625}),
    "items: q of 1,000 terms": Case(400, query={"q": ",".join(["dach"] * 1000)}),
    "items: q with NUL": Case(400, query={"q": "dach\x00"}),
    "items: q with escape sequence": Case(400, query={"q": "dach\x1b[31m"}),
    "statistics: q of 1,000 terms": Case(
        400, path="/statistics", query={"q": ",".join(["a"] * 1000)}
    ),
    "tiles: q term of 5,000 characters": Case(400, path=TILE, query={"q": "x" * 5000}),
    # cql2-json with arguments missing or empty (one reached PostgreSQL as bad SQL).
    "json: NOT without args": Case(400, query=cql_json({"op": "not", "args": []})),
    "json: AND without args": Case(400, query=cql_json({"op": "and", "args": []})),
    "json: OR with one arg": Case(400, query=cql_json({"op": "or", "args": [True]})),
    "json: = with one arg": Case(400, query=cql_json({"op": "=", "args": [PROPERTY]})),
    "json: LIKE with one arg": Case(
        400, query=cql_json({"op": "like", "args": [{"property": "title"}]})
    ),
    "json: BETWEEN with two args": Case(
        400, query=cql_json({"op": "between", "args": [PROPERTY, 1]})
    ),
    "json: IN with one arg": Case(400, query=cql_json({"op": "in", "args": [PROPERTY]})),
    "json: isNull without args": Case(400, query=cql_json({"op": "isNull", "args": []})),
    "json: S_INTERSECTS with one arg": Case(
        400, query=cql_json({"op": "s_intersects", "args": [{"property": "geometry"}]})
    ),
    "json: T_AFTER with one arg": Case(
        400, query=cql_json({"op": "t_after", "args": [{"property": "completed_on"}]})
    ),
    "json: BBOX of strings": Case(
        400,
        query=cql_json(
            {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": ["a", 1, 2, 3]}]}
        ),
    ),
    "json: INTERVAL with one end": Case(
        400,
        query=cql_json(
            {
                "op": "t_intersects",
                "args": [{"property": "completed_on"}, {"interval": ["2020-01-01"]}],
            }
        ),
    ),
    "json: Polygon ring as flat numbers": Case(
        400,
        query=cql_json(
            {
                "op": "s_intersects",
                "args": [
                    {"property": "geometry"},
                    {"type": "Polygon", "coordinates": [7, 51, 7.1, 51, 7.1, 51.1, 7, 51]},
                ],
            }
        ),
    ),
    "json: AND on the statistics": Case(
        400, path="/statistics", query=cql_json({"op": "and", "args": []})
    ),
    "json: AND on a tile": Case(400, path=TILE, query=cql_json({"op": "and", "args": []})),
    # Numbers out of range.
    "text: version = 1e309": Case(400, query={"filter": "version = 1e309"}),
    "text: area_m2 > 1e309": Case(400, query={"filter": "area_m2 > 1e309"}),
    "text: version = 1e30": Case(400, query={"filter": "version = 1e30"}),
    "text: BETWEEN 1 AND 1e20": Case(400, query={"filter": "version BETWEEN 1 AND 1e20"}),
    "text: IN (1, 1e20)": Case(400, query={"filter": "version IN (1, 1e20)"}),
    "statistics: version = 1e309": Case(
        400, path="/statistics", query={"filter": "version = 1e309"}
    ),
    "text: a date of month 13": Case(400, query={"filter": "completed_on = DATE('2020-13-45')"}),
    "text: unknown property": Case(400, query={"filter": "nope = 1"}),
    "text: unbalanced": Case(400, query={"filter": "(((version = 1"}),
    "text: WKT polygon missing a comma": Case(
        400, query={"filter": "S_INTERSECTS(geometry, POLYGON((7 51, 7.1 51, 7.1 51.1 7 51)))"}
    ),
    "text: text property = integer property": Case(400, query={"filter": "title = version"}),
    "text: T_AFTER an interval ending in x": Case(
        400, query={"filter": "T_AFTER(completed_on, INTERVAL('2020-01-01', 'x'))"}
    ),
    "limit of 5,000 digits": Case(400, query={"limit": "9" * 5000}),
    "datetime in year 99999": Case(400, query={"datetime": "99999-01-01"}),
    "statistics: year of 100 digits": Case(400, path="/statistics", query={"year": "9" * 100}),
    # CRS extents.
    "bbox ±1e20 in EPSG:25832": Case(
        400, query={"bbox": "-1e20,-1e20,1e20,1e20", "bbox-crs": UTM}
    ),
    "bbox ±1e300 in EPSG:25832": Case(
        400, query={"bbox": "-1e300,-1e300,1e300,1e300", "bbox-crs": UTM}
    ),
    "bbox ±1e20 in EPSG:3857": Case(
        400,
        query={
            "bbox": "-1e20,-1e20,1e20,1e20",
            "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        },
    ),
    "municipalities: bbox ±1e20 in EPSG:25832": Case(
        400, path=MUNICIPALITIES, query={"bbox": "-1e20,-1e20,1e20,1e20", "bbox-crs": UTM}
    ),
    "filter BBOX ±1e20 in EPSG:25832": Case(
        400,
        query={"filter": "S_INTERSECTS(geometry, BBOX(-1e20,-1e20,1e20,1e20))", "filter-crs": UTM},
    ),
    "filter POINT(1e20 1e20) in EPSG:25832": Case(
        400, query={"filter": "S_INTERSECTS(geometry, POINT(1e20 1e20))", "filter-crs": UTM}
    ),
    "bbox of NaN": Case(400, query={"bbox": "nan,nan,nan,nan"}),
    "crs of 20 digits": Case(
        400, query={"crs": "http://www.opengis.net/def/crs/EPSG/0/" + "9" * 20}
    ),
    # Tampered cursors.
    "cursor with a text id": Case(400, query=cursor({"f": True, "k": ["a"]})),
    "cursor with objects": Case(400, query=cursor({"f": True, "k": [{"a": 1}, [1, 2]]})),
    "cursor with a number key": Case(400, query=cursor({"f": True, "k": 5})),
    "cursor with an empty key": Case(400, query=cursor({"f": True, "k": []})),
    "cursor of seven values": Case(400, query=cursor({"f": True, "k": [1, 2, 3, 4, 5, 6, 7]})),
    "cursor with a number for a date": Case(
        400, query={"sortby": "-completed_on", **cursor({"f": True, "k": [False, 5, SOME_ID]})}
    ),
    "cursor not base64 JSON": Case(400, query={"cursor": "!!!"}),
    "cursor null": Case(400, query=cursor(None)),
    "municipalities: cursor with an empty key": Case(
        400, path=MUNICIPALITIES, query=cursor({"f": True, "k": []})
    ),
    "municipalities: cursor with an object": Case(
        400, path=MUNICIPALITIES, query=cursor({"f": True, "k": [{"x": 1}]})
    ),
    # Other parameters and paths.
    "tile zoom of 20 digits": Case(
        404, path="/collections/measures/tiles/WebMercatorQuad/99999999999999999999/0/0"
    ),
    "item id of a NUL": Case(400, path=ITEMS + "/%00"),
    "history of a non-id": Case(400, path=ITEMS + "/xyz/history"),
    "unknown parameter": Case(400, query={"evil": "1"}),
    "municipality list of 5,000": Case(400, query={"municipality": "x," * 5000}),
    "key of a non-ASCII byte": Case(401, headers={"Authorization": "Bearer \u00ff"}),
    # Bodies.
    '"type": ["cistern"]': Case(
        422, "POST", body=feature({**CISTERN, "type": ["cistern"]}), key="partner"
    ),
    '"status": {"a": 1}': Case(
        422, "POST", body=feature({**CISTERN, "status": {"a": 1}}), key="partner"
    ),
    "260-deep array in a property": Case(
        422,
        "POST",
        body=feature(CISTERN).replace('"Zisterne"', "[" * 260 + "]" * 260),
        key="partner",
    ),
    "1,000-deep coordinates": Case(
        422,
        "POST",
        body=feature(CISTERN).replace("[7.0, 51.5]", "[" * 1000 + "]" * 1000),
        key="partner",
    ),
    "Polygon ring as a flat number list": Case(
        422,
        "POST",
        body=feature(
            {"type": "unsealing", "title": "x"},
            {"type": "Polygon", "coordinates": [[7.0, 51.5, 7.1, 51.5, 7.1, 51.6, 7.0, 51.5]]},
        ),
        key="partner",
    ),
    "Point nested one level too deep": Case(
        422, "POST", body=feature(CISTERN, {"type": "Point", "coordinates": [[7.0, 51.5]]}),
        key="partner",
    ),
    "coordinate of 1e309": Case(
        422, "POST", body=feature(CISTERN).replace("7.0, 51.5", "1e309, 51.5"), key="partner"
    ),
    "cost of 400 digits": Case(
        422, "POST", body=feature(CISTERN)[:-2] + ', "cost_eur": ' + "9" * 400 + "}}",
        key="partner",
    ),
    "title with NUL": Case(422, "POST", body=feature({**CISTERN, "title": "a\0b"}), key="partner"),
    "title with ESC": Case(
        422, "POST", body=feature({**CISTERN, "title": "a\x1b[31mb"}), key="partner"
    ),
    "completed_on as a list": Case(
        422, "POST", body=feature({**CISTERN, "completed_on": ["2020-01-01"]}), key="partner"
    ),
    "body of invalid UTF-8": Case(422, "POST", body=b'{"title":"\xff"}', key="partner"),
    "body of a JSON list": Case(422, "POST", body="[]", key="partner"),
    "FeatureCollection of junk": Case(
        422, "POST", body='{"type":"FeatureCollection","features":[1,"a",null]}', key="partner"
    ),
    "Idempotency-Key of 6,000 characters": Case(
        400, "POST", body=feature(CISTERN), key="partner",
        headers={"Idempotency-Key": "k" * 6000},
    ),
    "If-Match of a superscript two": Case(
        412, "PATCH", ITEMS + "/" + SOME_ID, body="{}", key="partner", headers={"If-Match": '"²"'}
    ),
    "If-Match beyond int4": Case(
        412, "PATCH", ITEMS + "/" + SOME_ID, body="{}", key="partner",
        headers={"If-Match": '"' + "9" * 30 + '"'},
    ),
    "DELETE with If-Match of a superscript two": Case(
        412, "DELETE", ITEMS + "/" + SOME_ID, key="partner", headers={"If-Match": '"²"'}
    ),
    "baseline of 1e309": Case(
        422, "PUT", "/statistics/baselines/05513000",
        body='{"sealed_area_m2": 1e309, "sealed_source": "x"}', key="admin",
    ),
    "baseline 260 deep": Case(
        422, "PUT", "/statistics/baselines/05513000",
        body='{"sealed_source":' + "[" * 260 + "]" * 260 + "}", key="admin",
    ),
    "baseline source with NUL": Case(
        422, "PUT", "/statistics/baselines/05513000", body='{"sealed_source": "a\\u0000b"}',
        key="admin",
    ),
}  # fmt: skip
CASES.update(SPELLING_CASES)


@pytest.fixture(scope="module")
def connection(live_server: str) -> Iterator[http.client.HTTPConnection]:
    """One keep-alive connection for every case of the module."""
    address = urlsplit(live_server)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    conn.connect()
    yield conn
    conn.close()


@pytest.mark.parametrize("name", list(CASES))
async def test_hostile_request_is_a_problem_and_keeps_the_connection(
    name: str, connection: http.client.HTTPConnection, roles: dict[str, dict[str, str]]
) -> None:
    case = CASES[name]
    socket_before = connection.sock
    headers = dict(case.headers or {})
    if case.key:
        headers.update(auth(roles[case.key]))
    if case.body is not None:
        headers.setdefault("Content-Type", "application/json")
    target = case.path + (f"?{urlencode(case.query)}" if case.query else "")
    body = case.body.encode() if isinstance(case.body, str) else case.body
    pairs = list(headers.items())
    for name, value in case.repeated:
        role = value.split("key:", 1)[1] if "key:" in value else None
        secret = roles[role]["Authorization"].removeprefix("Bearer ") if role else ""
        pairs.append((name, value.replace(f"key:{role}", secret) if role else value))
    # putheader, not a dict: the same header may be sent twice.
    connection.putrequest(case.method, target)
    for name, value in pairs:
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    payload = response.read()
    assert response.status == case.status, payload[:300]
    assert response.getheader("content-type") == "application/problem+json"
    problem = json.loads(payload)
    assert problem["status"] == case.status and problem["detail"]
    if case.names:
        assert case.names in problem["detail"], problem["detail"]
    # The server kept the connection open for the next request.
    assert not response.will_close
    assert connection.sock is socket_before and connection.sock is not None
