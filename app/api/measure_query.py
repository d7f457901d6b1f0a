"""The query of the measures collection: its documented parameters and their parsing.

Parameters are read from the raw query string instead of being declared one by one:
FastAPI's per-parameter validation costs more than the whole page query on the hot
path. They are documented for `/api` by `MEASURE_PARAMETERS`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request

from app.api.deps import CallerDep, KnownMunicipalitiesDep
from app.domain.catalogue import load_catalogue
from app.errors import InvalidParameter
from app.http.query import Query, query_of
from app.ogc import cql2, params, queryables
from app.ogc.crs import SUPPORTED, bbox_to_storage, check_in_extent, parse_crs
from app.ogc.queryables import Queryable
from app.ogc.search import parse_search
from app.query.measure import Cursor, MeasureQuery, SortKey, Visibility
from app.query.where import Where

FORMATS = params.FORMATS
check_format = params.check_format


def doc_parameter(
    name: str, description: str, schema: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """An optional query parameter for `/api` (a string unless `schema` says otherwise)."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
        **extra,
    }


def crs_parameter(name: str, description: str) -> dict[str, Any]:
    """A CRS parameter: one of the URIs of `SUPPORTED`."""
    return doc_parameter(
        name, description, {"type": "string", "format": "uri", "enum": [c.uri for c in SUPPORTED]}
    )


# As OGC API - Features Part 1 (bbox, limit, datetime), Part 2 (crs, bbox-crs) and
# Part 3 (filter, filter-lang, filter-crs) define them.
FILTER_PARAMETERS = [
    doc_parameter(
        "q",
        "text search in title, description, partner, funding, type and municipality name: "
        "comma-separated terms, a measure matches any term and every word of it (German "
        "word forms, word beginnings, umlauts as ae/oe/ue, ß as ss, one-letter typos); "
        "ranked by relevance unless sortby is given",
        style="form",
        explode=False,
    ),
    doc_parameter("municipality", "8-digit AGS; comma-separated for several"),
    doc_parameter("type", "measure type id(s) from /measure-types; comma-separated"),
    doc_parameter("status", "planned, in_progress, completed, cancelled; comma-separated"),
    doc_parameter(
        "review_state", "submitted, published, rejected (what the key may see); comma-separated"
    ),
    doc_parameter(
        "datetime",
        "completion date: an instant or an interval start/end (.. for open)",
        style="form",
        explode=False,
    ),
    doc_parameter("filter", "CQL2 filter expression (see the queryables)"),
    doc_parameter(
        "filter-lang",
        "cql2-text (default) or cql2-json",
        {"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"},
    ),
    crs_parameter("filter-crs", "CRS of geometry literals in filter (default CRS84)"),
]
MEASURE_PARAMETERS = [
    doc_parameter(
        "bbox",
        "minx,miny,maxx,maxy in bbox-crs (default CRS84 lon/lat); 6 numbers for 3D",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        style="form",
        explode=False,
    ),
    crs_parameter("bbox-crs", "CRS of bbox (default CRS84)"),
    crs_parameter("crs", "CRS of the returned geometries (default CRS84)"),
    doc_parameter(
        "limit",
        f"features per page, 1..{params.MAX_LIMIT} (default {params.DEFAULT_LIMIT})",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": params.MAX_LIMIT,
            "default": params.DEFAULT_LIMIT,
        },
        style="form",
        explode=False,
    ),
    doc_parameter("cursor", "paging position, from a next/prev link"),
    doc_parameter(
        "sortby",
        "comma-separated properties, '-' for descending, e.g. -completed_on,title",
        {"type": "array", "items": {"type": "string", "pattern": "^[+-]?[A-Za-z_0-9]+$"}},
        style="form",
        explode=False,
    ),
    doc_parameter(
        "properties",
        "comma-separated properties to return",
        {"type": "array", "items": {"type": "string"}},
        style="form",
        explode=False,
    ),
    *FILTER_PARAMETERS,
    doc_parameter("f", "output format", {"type": "string", "enum": sorted(FORMATS)}),
    doc_parameter(
        "lang",
        "language of the HTML page and of problems (default: Accept-Language, else German)",
        {"type": "string", "enum": ["de", "en"]},
    ),
]
ITEM_PARAMETERS = frozenset(p["name"] for p in MEASURE_PARAMETERS)


@lru_cache
def measure_queryables() -> dict[str, Queryable]:
    """The queryables of measures, from the catalogue."""
    catalogue = load_catalogue()
    return queryables.measure_queryables(
        tuple(catalogue.types), catalogue.statuses, catalogue.review_states
    )


def parse_bbox(raw: str | None, bbox_crs: str | None) -> tuple[tuple[float, ...] | None, int]:
    """bbox in storage axis order, and the SRID it is given in."""
    box = params.parse_bbox(raw)
    crs = parse_crs(bbox_crs, "bbox-crs")
    if box is None:
        return None, crs.srid
    if crs.srid == 4326:
        box = bbox_to_storage(box, crs)
        params.check_bbox_in_wgs84(box)
    else:
        check_in_extent(box, crs.srid, "bbox")
    return box, crs.srid


def parse_measure_query(
    query: Query,
    visibility: Visibility,
    known_municipalities: frozenset[str],
    allowed: frozenset[str] = ITEM_PARAMETERS,
) -> MeasureQuery:
    """Check every parameter of a measures request and build its query."""
    params.check_unknown(query.names(), allowed)
    get = query.get
    check_format(get("f"))
    catalogue = load_catalogue()
    box, box_srid = parse_bbox(get("bbox"), get("bbox-crs"))
    fields = measure_queryables()
    condition = None
    if get("filter") is not None:
        condition = Where()
        srid = parse_crs(get("filter-crs"), "filter-crs").srid
        condition.add(cql2.translate(get("filter"), get("filter-lang"), fields, condition, srid))
    elif get("filter-lang") is not None or get("filter-crs") is not None:
        raise InvalidParameter("filter-lang and filter-crs need a filter")
    sortable = {n for n, q in fields.items() if q.sortable}
    sort_keys = [
        SortKey(fields[name].column, fields[name].kind, desc)
        for name, desc in params.parse_sortby(get("sortby"), sortable)
    ]
    property_names = {n for n in fields if n not in ("id", "geometry")}
    selected = params.parse_properties(get("properties"), property_names)
    return MeasureQuery(
        bbox=box,
        bbox_srid=box_srid,
        limit=params.parse_limit(get("limit")),
        cursor=Cursor.decode(get("cursor")),
        municipality=params.parse_choices(
            "municipality", get("municipality"), known_municipalities
        ),
        type=params.parse_choices("type", get("type"), frozenset(catalogue.types)),
        status=params.parse_choices("status", get("status"), frozenset(catalogue.statuses)),
        review_state=params.parse_choices(
            "review_state", get("review_state"), frozenset(catalogue.review_states)
        ),
        completed=params.parse_datetime(get("datetime")),
        filter=condition,
        search=parse_search(get("q")),
        sortby=sort_keys,
        crs=parse_crs(get("crs")),
        drop_properties=sorted(property_names - selected) if selected is not None else [],
        visibility=visibility,
    )


async def measure_query(
    request: Request, caller: CallerDep, known_municipalities: KnownMunicipalitiesDep
) -> MeasureQuery:
    """The measures query of this request."""
    return parse_measure_query(query_of(request.scope), caller.visibility, known_municipalities)


MeasureQueryDep = Annotated[MeasureQuery, Depends(measure_query)]
