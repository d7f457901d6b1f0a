"""One reading of the request: the query parser, the number parser, the key reader, and
the slot guard agreeing with the handler on every spelling."""

from __future__ import annotations

import pytest

from app.api.items import EXPORT_TYPES
from app.api.measure_query import parse_measure_query
from app.auth.keys import key_from_headers
from app.config import Settings
from app.errors import InvalidParameter
from app.guards.slots import ITEMS, heavy_kind
from app.http.numbers import parse_number, parse_whole
from app.http.query import Query, query_of
from app.query.measure import Visibility

HEAVY_PAGE_SIZE = Settings().heavy_page_size  # the default, as deployed
REFUSED = "400"


def test_the_query_is_parsed_once_and_kept_on_the_scope() -> None:
    scope = {"type": "http", "query_string": b"limit=5&f=json"}
    first = query_of(scope)
    assert query_of(scope) is first
    assert first.get("limit") == "5" and first.get("missing", "x") == "x"
    assert first.names() == {"limit", "f"}
    assert first.without("f").multi_items() == [("limit", "5")]


@pytest.mark.parametrize(
    "query", [b"limit=1&limit=2", b"limit=1&limit=1", b"f=json&f=csv", b"f=&f="]
)
def test_a_parameter_given_twice_is_a_400_naming_it(query: bytes) -> None:
    name = query.split(b"=")[0].decode()
    with pytest.raises(InvalidParameter, match=f"'{name}' is given 2 times"):
        Query.parse(query).get(name)


@pytest.mark.parametrize(
    "raw",
    [" 1", "1 ", "+1", "1_000", "²", "٣", "١٢", "9" * 5000, "", "0x10", "1.0", "1e3", "-1", "-0"],
)
def test_whole_numbers_are_ascii_digits_only(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="limit"):
        parse_whole("limit", raw)


@pytest.mark.parametrize(
    ("raw", "value"), [("0", 0), ("7", 7), ("0010", 10), ("9" * 20, int("9" * 20))]
)
def test_whole_numbers_in_plain_digits_are_read(raw: str, value: int) -> None:
    assert parse_whole("limit", raw) == value


@pytest.mark.parametrize(
    "raw", ["+7", " 7", "7 ", "7_0", "٣", "²", "nan", "inf", "1e999", "", ".", "-", "--7", "7e"]
)
def test_decimals_refuse_what_float_would_take(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="bbox"):
        parse_number("bbox", raw, whole=False, signed=True)


@pytest.mark.parametrize(("raw", "value"), [("-7.5", -7.5), (".5", 0.5), ("7.", 7.0), ("1e3", 1e3)])
def test_decimals_in_plain_notation_are_read(raw: str, value: float) -> None:
    assert parse_number("bbox", raw, whole=False, signed=True) == value


def test_a_decimal_without_sign_refuses_a_minus() -> None:
    with pytest.raises(InvalidParameter):
        parse_number("etp_mm", "-500", whole=False)


def test_bounds_are_named() -> None:
    with pytest.raises(InvalidParameter, match="between 1990 and 2100"):
        parse_whole("year", "1989", 1990, 2100)


KEY_A, KEY_B = "kw_aaaaaaaa", "kw_bbbbbbbb"


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        ([], None),
        ([(b"authorization", f"Bearer {KEY_A}".encode())], KEY_A),
        ([(b"authorization", f"bearer  {KEY_A} ".encode())], KEY_A),
        ([(b"x-api-key", KEY_A.encode())], KEY_A),
        ([(b"x-api-key", KEY_A.encode()), (b"x-api-key", KEY_A.encode())], KEY_A),
        ([(b"authorization", f"Bearer {KEY_A}".encode()), (b"x-api-key", KEY_A.encode())], KEY_A),
        ([(b"authorization", b"Basic dXNlcjpwdw==")], None),
        ([(b"x-api-key", b"  ")], None),
    ],
)
def test_the_key_of_a_request(headers: list[tuple[bytes, bytes]], key: str | None) -> None:
    assert key_from_headers(headers) == key


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x-api-key", KEY_A.encode()), (b"x-api-key", KEY_B.encode())],
        [(b"authorization", f"Bearer {KEY_A}".encode()), (b"x-api-key", KEY_B.encode())],
        [(b"authorization", f"Bearer {KEY_A}".encode()), (b"authorization", b"Bearer kw_c")],
    ],
)
def test_two_different_keys_are_refused(headers: list[tuple[bytes, bytes]]) -> None:
    with pytest.raises(InvalidParameter, match="2 different API keys"):
        key_from_headers(headers)


# Spellings of the items query that the guard and the handler must read alike: the
# issue's report had the guard see `limit=1` or nothing where the handler ran 10,000.
SPELLINGS = [
    "limit=10000",
    "limit=1000",
    f"limit={HEAVY_PAGE_SIZE}",
    f"limit={HEAVY_PAGE_SIZE + 1}",
    "limit=1&limit=10000",
    "limit=10000&limit=1",
    "limit=%2010000",
    "limit=+10000",
    "limit=%2B10000",
    "limit=10_000",
    "limit=%C2%B2",
    "limit=%D9%A3",
    "limit=%EF%BC%91%EF%BC%90",
    "limit=1&lim%69t=10000",
    "limit=" + "9" * 5000,
    "limit=",
    "limit=-1",
    "f=csv",
    "f=gpkg",
    "f=geojson-file",
    "f=json&f=csv",
    "f=json&f=gpkg",
    "f=csv&f=json",
    "f=CSV",
    "f=csv%20",
    "f=html&limit=10000",
    "f=geojson&limit=10000",
    "f=csv&limit=10000",
    "",
]


def _handler_kind(query_string: str) -> str | None:
    """What the handler runs for this query: an export, a big page, or a plain page."""
    query = Query.parse(query_string.encode())
    try:
        measure_query = parse_measure_query(query, Visibility(), frozenset({"05513000"}))
    except InvalidParameter:
        return REFUSED
    if query.get("f") in EXPORT_TYPES:
        return "export"
    return "heavy" if measure_query.limit > HEAVY_PAGE_SIZE else None


def _guard_kind(query_string: str) -> str | None:
    try:
        return heavy_kind(ITEMS, Query.parse(query_string.encode()), HEAVY_PAGE_SIZE)
    except InvalidParameter:
        return REFUSED


@pytest.mark.parametrize("query_string", SPELLINGS)
def test_the_slot_guard_classifies_as_the_handler_executes(query_string: str) -> None:
    assert _guard_kind(query_string) == _handler_kind(query_string)


def test_every_export_format_takes_an_export_slot() -> None:
    for fmt in EXPORT_TYPES:
        assert _guard_kind(f"f={fmt}") == "export"
