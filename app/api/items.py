"""`/collections/{measures|municipalities}/items` and `/items/{id}`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.datastructures import URL
from starlette.responses import Response, StreamingResponse

from app.api.deps import CallerDep, PoolDep
from app.api.html import LANG_PARAMETER, page_lang, render, render_in_worker, wants_html
from app.api.http_cache import (
    VARY_CALLER,
    cache_headers,
    content_etag,
    item_etag,
    matches,
    not_modified,
    with_validators,
)
from app.api.landing import base_url
from app.api.measure_query import (
    MEASURE_PARAMETERS,
    MeasureQueryDep,
    check_format,
    parse_bbox,
)
from app.api.pages import not_found_page
from app.api.render import GEOJSON_MEDIA_TYPE, feature_collection, feature_with_links
from app.api.search_form import search_form
from app.db.session import connection
from app.domain import access
from app.domain.catalogue import load_catalogue
from app.domain.export_name import export_file_name
from app.domain.local_time import today
from app.domain.messages import catalogue
from app.domain.review import diff, with_review_note
from app.errors import NotFound
from app.guards.deadline import extend_deadline
from app.http.query import query_of
from app.ogc import params
from app.ogc.crs import content_crs_header, parse_crs
from app.ogc.links import GEOJSON, JSON, link, with_query
from app.ogc.openapi import CSV, GPKG, HTML, NOT_MODIFIED, responses
from app.ogc.openapi import GEOJSON as GEOJSON_MEDIA
from app.query.measure import Cursor, MeasureQuery, Visibility
from app.services import export_files, measure_changes
from app.sql import measures, municipalities

router = APIRouter(tags=["features"])

ITEM_PARAMETERS = [p for p in MEASURE_PARAMETERS if p["name"] in ("crs", "f")]
MUNICIPALITY_PARAMETERS = [
    p for p in MEASURE_PARAMETERS if p["name"] in ("bbox", "bbox-crs", "limit", "cursor", "f")
]


HTML_COLUMNS = {
    "measures": ["title", "type", "status", "municipality", "area_m2", "completed_on"],
    "municipalities": ["name", "ags", "area_m2"],
}


def _labels(lang: str, cities: dict[str, str]) -> dict[str, dict[str, str]]:
    """Words for the codes in the table's cells: types, statuses, review states, cities."""
    words = catalogue(lang)
    return {
        "type": {
            t.id: (t.label_en if lang == "en" else t.label_de)
            for t in load_catalogue().types.values()
        },
        "status": {s: words.get(f"map.statuses.{s}", s) for s in load_catalogue().statuses},
        "review_state": {
            s: words.get(f"map.reviewStates.{s}", s) for s in load_catalogue().review_states
        },
        "municipality": cities,
    }


async def _items_page(
    request: Request,
    collection_id: str,
    body: bytes,
    columns: list[str],
    *,
    big: bool = False,
    cities: dict[str, str] | None = None,
) -> Response:
    href = f"{base_url(request)}/collections/{collection_id}"
    # The table's own filters as downloads (paging does not apply to exports).
    exports = (
        {
            name: str(
                request.url.remove_query_params(["cursor", "limit"]).include_query_params(f=f)
            )
            for name, f in (("CSV", "csv"), ("GeoPackage", "gpkg"), ("GeoJSON", "geojson-file"))
        }
        if collection_id == "measures"
        else {}
    )
    extra = {
        "columns": columns,
        "collection_id": collection_id,
        "collection_href": href,
        "exports": exports,
        "search": search_form(request) if collection_id == "measures" else None,
        "labels": _labels(page_lang(request), cities or {}),
    }
    if big:
        workers = request.app.state.worker_processes
        return await render_in_worker(workers, request, "items.html", body, **extra)
    return render(request, "items.html", orjson.loads(body), **extra)


async def _revision_review(conn: Any, feature: bytes) -> dict[str, Any] | None:
    """For a pending revision: the published measure it would change and what changes,
    as its reviewers compare them (None for a measure that is no revision)."""
    doc = orjson.loads(feature)
    original_id = doc["properties"].get("revision_of")
    if original_id is None:
        return None
    original = await measures.select_feature(
        conn, params.parse_uuid(original_id), Visibility(everything=True)
    )
    if original is None:
        return {"of": original_id, "changes": {}}
    return {"of": original_id, "changes": diff(orjson.loads(bytes(original["feature"])), doc)}


def _item_page(
    request: Request, collection_id: str, body: bytes, reached: list[dict[str, str]] | None = None
) -> Response:
    """The HTML page of one item; `reached`: the municipalities a measure reaches into,
    named on the page when they are more than one."""
    href = f"{base_url(request)}/collections/{collection_id}"
    doc = orjson.loads(body)
    spans = reached if reached and len(reached) > 1 else []
    home = doc["properties"].get("municipality")
    counted_in = next((m["name"] for m in spans if m["ags"] == home), home)
    return render(
        request,
        "item.html",
        doc,
        collection_id=collection_id,
        collection_href=href,
        spans=spans,
        counted_in=counted_in,
    )


# `f` values that download every match as a file (`geojson-file`: the whole selection
# as one GeoJSON file, where `f=geojson` stays a page): media type and file suffix.
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    # For German Excel: `;`, decimal comma, BOM, German headings (domain/german_csv.py).
    "csv-de": ("text/csv; charset=utf-8", "csv"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "geojson-file": (GEOJSON_MEDIA_TYPE, "geojson"),
}


async def _export(request: Request, query: MeasureQuery, fmt: str) -> Response:
    """Every matching measure (paging does not apply), prepared in full, then streamed."""
    media_type, suffix = EXPORT_TYPES[fmt]
    settings = request.app.state.settings
    extend_deadline(request.scope, settings.export_timeout_s)
    workers = request.app.state.worker_processes
    timeout_s = settings.export_statement_timeout_s
    names: list[str] = []
    if query.municipality:
        async with connection(request.app.state.pool) as conn:
            names = await municipalities.select_names(conn, query.municipality)
    name = export_file_name(names, today(), query.crs.srid, suffix)
    disk = request.app.state.export_disk
    prepared = await export_files.prepare(workers, disk, settings.dsn, query, fmt, timeout_s)
    return StreamingResponse(
        prepared.chunks(),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Crs": content_crs_header(query.crs),
            # What the file holds depends on the key (`KeyedResponses` makes a keyed one
            # `private, no-store`).
            "Vary": ", ".join(VARY_CALLER),
        },
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _page_links(url: URL, page: measures.Page) -> list[dict[str, Any]]:
    links = [link(str(url), "self", GEOJSON, "this page")]
    if page.has_next and page.last_key:
        token = Cursor(True, page.last_key).encode()
        links.append(link(with_query(url, cursor=token), "next", GEOJSON, "next page"))
    if page.has_prev and page.first_key:
        token = Cursor(False, page.first_key).encode()
        links.append(link(with_query(url, cursor=token), "prev", GEOJSON, "previous page"))
    return links


@router.get(
    "/collections/measures/items",
    summary="Measures",
    responses=responses(200, GEOJSON_MEDIA, HTML, CSV, GPKG, problems=(400, 401)),
    openapi_extra={"parameters": MEASURE_PARAMETERS},
)
async def list_measure_items(request: Request, pool: PoolDep, query: MeasureQueryDep) -> Response:
    """A page of measures as GeoJSON; `f=csv|gpkg|geojson-file` exports every match."""
    export = query_of(request.scope).get("f")
    if export in EXPORT_TYPES:
        return await _export(request, query, export)
    html = wants_html(request)
    async with connection(pool) as conn:
        page = await measures.select_page(conn, query)
        # The table names cities, not their codes (17 rows, only for pages).
        cities = (
            {r["ags"]: r["name"] for r in await municipalities.select_areas(conn)} if html else {}
        )
    lang = page_lang(request) if html else None
    # Of the features, not of the time stamp: an unchanged page revalidates as a 304.
    etag = content_etag(b"".join(page.features), request, lang, query.visibility, page.matched)
    headers = cache_headers(request, etag, visibility=query.visibility, languages=html)
    if matches(request, etag):
        return not_modified(headers)
    body = feature_collection(
        page.features,
        matched=page.matched,
        links=_page_links(request.url, page),
        time_stamp=_now(),
    )
    if html:
        big = query.limit > request.app.state.settings.heavy_page_size
        response = await _items_page(
            request, "measures", body, HTML_COLUMNS["measures"], big=big, cities=cities
        )
        response.headers.update(headers)
        return response
    headers["Content-Crs"] = content_crs_header(query.crs)
    return Response(body, media_type=GEOJSON_MEDIA_TYPE, headers=headers)


def _item_responses() -> dict[int | str, dict]:
    declared = responses(200, GEOJSON_MEDIA, HTML, problems=(400, 401, 404), also=NOT_MODIFIED)
    # A browser gets a page for a measure it may not see (or that is gone), not JSON.
    declared[404]["content"][HTML] = {}
    return declared


@router.get(
    "/collections/measures/items/{measure_id}",
    summary="One measure",
    responses=_item_responses(),
    openapi_extra={"parameters": [*ITEM_PARAMETERS, LANG_PARAMETER]},
)
async def get_measure_item(
    measure_id: str, request: Request, pool: PoolDep, caller: CallerDep
) -> Response:
    """One measure as a GeoJSON Feature, with its version as ETag.

    The Feature carries a top-level member `actions`: what this caller may do on the
    measure now, a subset of `["update", "delete", "publish", "reject"]` (`[]` for
    anonymous callers). A measure the caller may not see answers 404.
    """
    query = query_of(request.scope)
    if query:
        # `lang` chooses the language of the HTML page (German by default).
        params.check_unknown(query.names(), frozenset({"f", "crs", "lang"}))
        check_format(query.get("f"))
    key = params.parse_uuid(measure_id)
    output_crs = parse_crs(query.get("crs"))
    async with connection(pool) as conn:
        row = await measures.select_feature(conn, key, caller.visibility, output_crs)
    if row is None:
        if wants_html(request):
            # A person gets a page, not JSON; its script shows the measure after all when
            # the browser holds a key that may see it (keys never travel in a link).
            return not_found_page(
                request, page_lang(request), f"Keine Maßnahme {measure_id}.", measure_id
            )
        raise NotFound(f"no measure {measure_id}")
    html = wants_html(request)
    etag = item_etag(row["version"], html=html, crs=output_crs, lang=page_lang(request))
    headers = cache_headers(request, etag, visibility=caller.visibility, languages=html)
    if matches(request, etag):
        return not_modified(headers)
    base = base_url(request)
    links = [
        link(str(request.url), "self", GEOJSON, "this measure"),
        link(f"{base}/collections/measures", "collection", JSON, "the measures collection"),
    ]
    facts = measure_changes.facts(row)
    feature = bytes(row["feature"])
    if access.sees_review_process(caller, facts):
        feature = with_review_note(feature, row["review_note"])
    # What this caller may do on it now, so that clients need not know the rules.
    allowed = access.actions(caller, facts)
    members: dict[str, Any] = {"actions": allowed}
    if access.sees_review_process(caller, facts):
        async with connection(pool) as conn:
            revision = await _revision_review(conn, feature)
        if revision:
            members["revision"] = revision
    body = feature_with_links(feature, links, members)
    if html:
        async with connection(pool) as conn:
            # A measure reaching into two cities is stored once, counted where most of it lies.
            reached = [dict(r) for r in await measures.select_reached(conn, key)]
        response = _item_page(request, "measures", body, reached)
        response.headers.update(headers)
        return response
    headers["Content-Crs"] = content_crs_header(output_crs)
    return Response(body, media_type=GEOJSON_MEDIA_TYPE, headers=headers)


@router.get(
    "/collections/municipalities/items",
    summary="Municipalities",
    responses=responses(200, GEOJSON_MEDIA, HTML, problems=(400,)),
    openapi_extra={"parameters": MUNICIPALITY_PARAMETERS},
)
async def list_municipality_items(request: Request, pool: PoolDep) -> Response:
    """The municipality boundaries as a GeoJSON FeatureCollection."""
    query = query_of(request.scope)
    params.check_unknown(query.names(), frozenset(p["name"] for p in MUNICIPALITY_PARAMETERS))
    check_format(query.get("f"))
    box, srid = parse_bbox(query.get("bbox"), query.get("bbox-crs"))
    size = params.parse_limit(query.get("limit"))
    position = Cursor.decode(query.get("cursor"))
    after = str(position.key[0]) if position else None
    async with connection(pool) as conn:
        features, matched, keys = await municipalities.select_features(conn, box, srid, after, size)
    links = [link(str(request.url), "self", GEOJSON, "this page")]
    if len(features) > size:
        features = features[:size]
        token = Cursor(True, [keys[size - 1]]).encode()
        links.append(link(with_query(request.url, cursor=token), "next", GEOJSON, "next page"))
    body = feature_collection(features, matched=matched, links=links, time_stamp=_now())
    if wants_html(request):
        return await _items_page(request, "municipalities", body, HTML_COLUMNS["municipalities"])
    return with_validators(request, Response(body, media_type=GEOJSON_MEDIA_TYPE))


@router.get(
    "/collections/municipalities/items/{ags}",
    summary="One municipality",
    responses=responses(200, GEOJSON_MEDIA, HTML, problems=(400, 404)),
)
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
    body = feature_with_links(feature, links)
    if wants_html(request):
        return _item_page(request, "municipalities", body)
    return with_validators(request, Response(body, media_type=GEOJSON_MEDIA_TYPE))
