"""`/collections/{measures|municipalities}/items` and `/items/{id}`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import URL
from starlette.responses import Response

from app.api.deps import CallerDep, KnownMunicipalitiesDep, PoolDep
from app.api.landing import base_url
from app.api.render import GEOJSON_MEDIA_TYPE, feature_collection, feature_with_links
from app.db.session import connection
from app.domain.catalogue import load_catalogue
from app.errors import InvalidParameter, NotFound
from app.ogc import cql2, params, queryables
from app.ogc.crs import bbox_to_storage, content_crs_header, parse_crs
from app.ogc.links import GEOJSON, JSON, link, with_query
from app.ogc.queryables import Queryable
from app.sql import measures, municipalities
from app.sql.where import Where

router = APIRouter(tags=["features"])

MEASURE_ITEM_PARAMS = frozenset(
    {
        "bbox",
        "bbox-crs",
        "crs",
        "limit",
        "cursor",
        "datetime",
        "filter",
        "filter-lang",
        "filter-crs",
        "sortby",
        "properties",
        "municipality",
        "type",
        "status",
        "f",
    }
)
MUNICIPALITY_ITEM_PARAMS = frozenset({"bbox", "bbox-crs", "limit", "cursor", "f"})
FORMATS = frozenset({"json", "geojson"})


def _check_format(f: str | None) -> None:
    if f is not None and f not in FORMATS:
        raise InvalidParameter(f"f must be one of {', '.join(sorted(FORMATS))}, got {f!r}")


def _bbox(raw: str | None, bbox_crs: str | None) -> tuple[tuple[float, ...] | None, int]:
    box = params.parse_bbox(raw)
    crs = parse_crs(bbox_crs, "bbox-crs")
    if box is None:
        return None, crs.srid
    if crs.srid == 4326:
        box = bbox_to_storage(box, crs)
        params.check_bbox_in_wgs84(box)
    return box, crs.srid


@lru_cache
def measure_queryables() -> dict[str, Queryable]:
    """The queryables of measures, from the catalogue."""
    catalogue = load_catalogue()
    return queryables.measure_queryables(
        tuple(catalogue.types), catalogue.statuses, catalogue.review_states
    )


def measure_query(
    request: Request,
    caller: CallerDep,
    known_municipalities: KnownMunicipalitiesDep,
    bbox: str | None = Query(None, description="minx,miny,maxx,maxy in bbox-crs (default CRS84)"),
    bbox_crs: str | None = Query(None, alias="bbox-crs", description="CRS of bbox (URI)"),
    crs: str | None = Query(None, description="CRS of the returned geometries (URI)"),
    limit: str | None = Query(None, description="features per page, 1..10000 (default 100)"),
    cursor: str | None = Query(None, description="paging token from a next/prev link"),
    datetime: str | None = Query(None, description="completion date: instant or start/end"),
    filter: str | None = Query(None, description="CQL2 filter expression"),
    filter_lang: str | None = Query(
        None, alias="filter-lang", description="cql2-text (default) or cql2-json"
    ),
    filter_crs: str | None = Query(
        None, alias="filter-crs", description="CRS of geometry literals in filter"
    ),
    sortby: str | None = Query(None, description="e.g. -completed_on,title"),
    properties: str | None = Query(None, description="properties to return, comma-separated"),
    municipality: str | None = Query(None, description="8-digit AGS, comma-separated list"),
    type: str | None = Query(None, description="measure type id(s), comma-separated"),
    status: str | None = Query(None, description="planned, in_progress, completed, cancelled"),
    f: str | None = Query(None, description="output format: json or geojson"),
) -> measures.MeasureQuery:
    """Parse and check the query of the measures collection."""
    params.check_unknown(dict(request.query_params), MEASURE_ITEM_PARAMS)
    _check_format(f)
    catalogue = load_catalogue()
    box, box_srid = _bbox(bbox, bbox_crs)
    fields = measure_queryables()
    condition = None
    if filter is not None:
        condition = Where()
        srid = parse_crs(filter_crs, "filter-crs").srid
        condition.add(cql2.translate(filter, filter_lang, fields, condition, srid))
    elif filter_lang is not None or filter_crs is not None:
        raise InvalidParameter("filter-lang and filter-crs need a filter")
    sort_keys = [
        measures.SortKey(fields[name].column, fields[name].kind, desc)
        for name, desc in params.parse_sortby(sortby, {n for n, q in fields.items() if q.sortable})
    ]
    property_names = {n for n in fields if n not in ("id", "geometry")}
    selected = params.parse_properties(properties, property_names)
    return measures.MeasureQuery(
        bbox=box,
        bbox_srid=box_srid,
        limit=params.parse_limit(limit),
        cursor=params.Cursor.decode(cursor),
        municipality=params.parse_choices("municipality", municipality, known_municipalities),
        type=params.parse_choices("type", type, frozenset(catalogue.types)),
        status=params.parse_choices("status", status, frozenset(catalogue.statuses)),
        completed=params.parse_datetime(datetime),
        filter=condition,
        sortby=sort_keys,
        crs=parse_crs(crs),
        drop_properties=sorted(property_names - selected) if selected is not None else [],
        review_states=caller.visible_review_states,
    )


MeasureQueryDep = Annotated[measures.MeasureQuery, Depends(measure_query)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _page_links(url: URL, page: measures.Page) -> list[dict[str, Any]]:
    links = [link(str(url), "self", GEOJSON, "this page")]
    if page.has_next and page.last_key:
        token = params.Cursor(True, page.last_key).encode()
        links.append(link(with_query(url, cursor=token), "next", GEOJSON, "next page"))
    if page.has_prev and page.first_key:
        token = params.Cursor(False, page.first_key).encode()
        links.append(link(with_query(url, cursor=token), "prev", GEOJSON, "previous page"))
    return links


@router.get("/collections/measures/items", summary="Measures")
async def list_measure_items(request: Request, pool: PoolDep, query: MeasureQueryDep) -> Response:
    """A page of measures as a GeoJSON FeatureCollection."""
    async with connection(pool) as conn:
        page = await measures.select_page(conn, query)
    body = feature_collection(
        page.features,
        matched=page.matched,
        links=_page_links(request.url, page),
        time_stamp=_now(),
    )
    return Response(
        body, media_type=GEOJSON_MEDIA_TYPE, headers={"Content-Crs": content_crs_header(query.crs)}
    )


@router.get("/collections/measures/items/{measure_id}", summary="One measure")
async def get_measure_item(
    measure_id: str,
    request: Request,
    pool: PoolDep,
    caller: CallerDep,
    crs: str | None = Query(None, description="CRS of the returned geometry (URI)"),
    f: str | None = Query(None, description="output format: json or geojson"),
) -> Response:
    """One measure as a GeoJSON Feature, with its version as ETag."""
    params.check_unknown(dict(request.query_params), frozenset({"f", "crs"}))
    _check_format(f)
    key = params.parse_uuid(measure_id)
    output_crs = parse_crs(crs)
    async with connection(pool) as conn:
        row = await measures.select_feature(conn, key, caller.visible_review_states, output_crs)
    if row is None:
        raise NotFound(f"no measure {measure_id}")
    etag = f'"{row["version"]}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    base = base_url(request)
    links = [
        link(str(request.url), "self", GEOJSON, "this measure"),
        link(f"{base}/collections/measures", "collection", JSON, "the measures collection"),
    ]
    return Response(
        feature_with_links(row["feature"], links),
        media_type=GEOJSON_MEDIA_TYPE,
        headers={"ETag": etag, "Content-Crs": content_crs_header(output_crs)},
    )


@router.get("/collections/municipalities/items", summary="Municipalities")
async def list_municipality_items(
    request: Request,
    pool: PoolDep,
    bbox: str | None = Query(None, description="minLon,minLat,maxLon,maxLat (WGS84)"),
    bbox_crs: str | None = Query(None, alias="bbox-crs", description="CRS of bbox (URI)"),
    limit: str | None = Query(None, description="features per page, 1..10000 (default 100)"),
    cursor: str | None = Query(None, description="paging token from a next link"),
    f: str | None = Query(None, description="output format: json or geojson"),
) -> Response:
    """The municipality boundaries as a GeoJSON FeatureCollection."""
    params.check_unknown(dict(request.query_params), MUNICIPALITY_ITEM_PARAMS)
    _check_format(f)
    box, srid = _bbox(bbox, bbox_crs)
    size = params.parse_limit(limit)
    position = params.Cursor.decode(cursor)
    after = str(position.key[0]) if position else None
    async with connection(pool) as conn:
        features, matched, keys = await municipalities.select_features(conn, box, srid, after, size)
    links = [link(str(request.url), "self", GEOJSON, "this page")]
    if len(features) > size:
        features = features[:size]
        token = params.Cursor(True, [keys[size - 1]]).encode()
        links.append(link(with_query(request.url, cursor=token), "next", GEOJSON, "next page"))
    body = feature_collection(features, matched=matched, links=links, time_stamp=_now())
    return Response(body, media_type=GEOJSON_MEDIA_TYPE)


@router.get("/collections/municipalities/items/{ags}", summary="One municipality")
async def get_municipality_item(ags: str, request: Request, pool: PoolDep) -> Response:
    """One municipality boundary as a GeoJSON Feature."""
    async with connection(pool) as conn:
        feature = await municipalities.select_feature(conn, ags)
    if feature is None:
        raise NotFound(f"no municipality with AGS {ags!r}")
    base = base_url(request)
    links = [
        link(str(request.url), "self", GEOJSON, "this municipality"),
        link(f"{base}/collections/municipalities", "collection", JSON, "the collection"),
    ]
    return Response(feature_with_links(feature, links), media_type=GEOJSON_MEDIA_TYPE)
