"""OGC API - Features Part 4 on `/collections/measures/items`: create, replace, update,
delete; plus `/items/{id}/history`. Rights and rules live in services/measure_changes."""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.body import read_json
from app.api.deps import CallerDep, PoolDep
from app.api.landing import base_url
from app.api.render import GEOJSON_MEDIA_TYPE, feature_with_links, json_response
from app.auth.caller import Caller
from app.db.session import connection, translate
from app.domain import access, messages
from app.domain.review import history
from app.errors import (
    InvalidMeasure,
    InvalidParameter,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
)
from app.ogc import params
from app.ogc.crs import content_crs_transform
from app.ogc.links import GEOJSON, JSON, link
from app.ogc.openapi import GEOJSON as GEOJSON_MEDIA
from app.ogc.openapi import feature_body, responses
from app.services import measure_changes
from app.sql import measure_writes, measures

router = APIRouter(tags=["transactions"])

ITEM = "/collections/measures/items/{measure_id}"
MEDIA_TYPES_IN = ("application/geo+json", "application/json")
CHANGE_PROBLEMS = (400, 401, 403, 404, 412, 413, 422, 428)


def _writer(caller: Caller) -> Caller:
    if not access.identified(caller):
        raise Unauthorized(
            "creating and changing measures needs an API key", code="access.needs_key"
        )
    return caller


# The key is a primary-key column: a longer one would not fit the index (a 500).
MAX_IDEMPOTENCY_KEY = 255


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not (
        0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isascii() and key.isprintable()
    ):
        raise InvalidParameter(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters "
            "(a UUID is a good choice)"
        )
    return key


def _if_match(request: Request) -> int | None:
    """The version an If-Match names; None when absent and the deployment allows that
    (the default: QGIS and OWSLib never send it; such a write is the last writer's)."""
    raw = request.headers.get("if-match")
    if raw is None:
        if request.app.state.settings.require_if_match:
            raise PreconditionRequired(
                "send If-Match with the ETag of the version you changed",
                code="measure.if_match_required",
            )
        return None
    # Any representation's ETag names the version it shows: "7", "7-html", "7-25832".
    tag = raw.strip().removeprefix("W/").strip('"').split("-", 1)[0]
    # Versions are ASCII digits of an int4 (str.isdigit() also takes "²" and "٣").
    if not (tag.isascii() and tag.isdigit() and len(tag) <= 10 and int(tag) < 2**31):
        raise PreconditionFailed(
            f"If-Match {raw!r} matches no version of this measure",
            code="measure.if_match_unknown",
            params={"value": repr(raw)},
        )
    return int(tag)


def _feature_response(request: Request, stored: measure_changes.Stored, status: int) -> Response:
    href = f"{base_url(request)}/collections/measures/items/{stored.id}"
    body = feature_with_links(
        stored.feature,
        [
            link(href, "self", GEOJSON, "this measure"),
            link(f"{href}/history", "version-history", JSON, "earlier versions"),
        ],
    )
    headers = {"ETag": stored.etag}
    if status == 201:
        headers["Location"] = href
    return Response(body, status_code=status, media_type=GEOJSON_MEDIA_TYPE, headers=headers)


async def _create_collection(
    conn: asyncpg.Connection, caller: Caller, doc: dict, transform: Any
) -> list[measure_changes.Stored]:
    """All features or none: every invalid one is reported by its index."""
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidMeasure(
            "a FeatureCollection needs a non-empty `features` list",
            errors=[messages.problem("/features", "collection.features_missing")],
            code="collection.features_detail",
        )
    stored, errors = [], []
    for index, feature in enumerate(features):
        try:
            async with conn.transaction():  # a savepoint: one failure does not end the others
                stored.append(await measure_changes.create(conn, caller, feature, transform))
        except InvalidMeasure as exc:
            errors += [{**e, "where": f"/features/{index}{e['where']}"} for e in exc.errors]
        except asyncpg.CheckViolationError as exc:
            # What the check means is the DB seam's to say (app/db/session.translate):
            # only the region check is a feature's fault; any other check is not.
            known = translate(exc)
            if not isinstance(known, InvalidMeasure):
                raise
            errors += [{**e, "where": f"/features/{index}{e['where']}"} for e in known.errors]
    if errors:
        counts = {
            "invalid": len({e["where"].split("/")[2] for e in errors}),
            "total": len(features),
        }
        raise InvalidMeasure(
            messages.text("collection.not_stored", "en", **counts),
            errors=errors,
            code="collection.not_stored",
            params=counts,
        )
    return stored


@router.post(
    "/collections/measures/items",
    status_code=201,
    summary="Create measures",
    responses=responses(201, GEOJSON_MEDIA, problems=(400, 401, 403, 413, 422)),
    openapi_extra=feature_body(MEDIA_TYPES_IN),
)
async def create_measure(request: Request, pool: PoolDep, caller: CallerDep) -> Response:
    """Create a measure (a Feature) or several at once (a FeatureCollection, all or none)."""
    _writer(caller)
    doc = await read_json(request)
    transform = content_crs_transform(request.headers.get("content-crs"))
    key = _idempotency_key(request)
    request_hash = hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()
    async with connection(pool) as conn:
        if key:
            earlier = await measure_writes.select_idempotent(conn, caller.partner or "", key)
            if earlier is not None:
                return _replay(earlier, request_hash)
        try:
            async with conn.transaction():
                response = await _create(request, conn, caller, doc, transform)
                if key:
                    await measure_writes.store_idempotent(
                        conn,
                        caller.partner or "",
                        key,
                        request_hash,
                        response.status_code,
                        response.headers.get("location", ""),
                        response.headers.get("etag", ""),
                        bytes(response.body),
                    )
        except asyncpg.UniqueViolationError:
            # A retry raced the first request: answer what the first one stored.
            earlier = await measure_writes.select_idempotent(conn, caller.partner or "", key or "")
            if earlier is None:
                raise
            return _replay(earlier, request_hash)
    return response


async def _create(
    request: Request, conn: asyncpg.Connection, caller: Caller, doc: Any, transform: Any
) -> Response:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        stored = await _create_collection(conn, caller, doc, transform)
        body = (
            b'{"type":"FeatureCollection","features":['
            + b",".join(s.feature for s in stored)
            + b"]}"
        )
        return Response(body, status_code=201, media_type=GEOJSON_MEDIA_TYPE)
    stored_one = await measure_changes.create(conn, caller, doc, transform)
    return _feature_response(request, stored_one, 201)


def _replay(earlier: asyncpg.Record, request_hash: str) -> Response:
    if earlier["request_hash"] != request_hash:
        raise InvalidMeasure(
            "this Idempotency-Key was used for a different request",
            errors=[{"where": "Idempotency-Key", "problem": "reused"}],
        )
    headers = {k: v for k, v in (("Location", earlier["location"]), ("ETag", earlier["etag"])) if v}
    return Response(
        bytes(earlier["body"]),
        status_code=earlier["status"],
        media_type=GEOJSON_MEDIA_TYPE,
        headers=headers,
    )


async def _change(
    request: Request, pool: PoolDep, caller: Caller, measure_id: str, *, replace: bool
) -> Response:
    _writer(caller)
    key = params.parse_uuid(measure_id)
    version = _if_match(request)
    doc = await read_json(request)
    transform = content_crs_transform(request.headers.get("content-crs"))
    async with connection(pool) as conn, conn.transaction():
        stored = await measure_changes.change(
            conn, caller, key, version, doc, replace=replace, transform=transform
        )
    return _feature_response(request, stored, 200)


@router.put(
    ITEM,
    summary="Replace a measure",
    responses=responses(200, GEOJSON_MEDIA, problems=CHANGE_PROBLEMS),
    openapi_extra=feature_body(MEDIA_TYPES_IN, headers=("If-Match", "Content-Crs")),
)
async def replace_measure(
    measure_id: str, request: Request, pool: PoolDep, caller: CallerDep
) -> Response:
    """Replace a measure; If-Match is honoured (412 when stale) and optional unless
    REQUIRE_IF_MATCH is set (428)."""
    return await _change(request, pool, caller, measure_id, replace=True)


@router.patch(
    ITEM,
    summary="Update a measure (JSON merge patch)",
    responses=responses(200, GEOJSON_MEDIA, problems=CHANGE_PROBLEMS),
    openapi_extra=feature_body(
        ("application/merge-patch+json", *MEDIA_TYPES_IN), headers=("If-Match", "Content-Crs")
    ),
)
async def update_measure(
    measure_id: str, request: Request, pool: PoolDep, caller: CallerDep
) -> Response:
    """Change some properties or the geometry; reviewers set review_state here."""
    return await _change(request, pool, caller, measure_id, replace=False)


@router.delete(
    ITEM,
    status_code=204,
    summary="Delete a measure",
    responses=responses(204, problems=(400, 401, 403, 404, 412)),
    openapi_extra=feature_body((), headers=("If-Match",)),
)
async def delete_measure(
    measure_id: str, request: Request, pool: PoolDep, caller: CallerDep
) -> Response:
    """Soft delete: gone from reads, kept in the history. If-Match is honoured."""
    _writer(caller)
    key = params.parse_uuid(measure_id)
    version = _if_match(request)
    async with connection(pool) as conn, conn.transaction():
        await measure_changes.delete(conn, caller, key, version)
    return Response(status_code=204)


def _allow(methods: list[str]) -> Response:
    # 204 and no body: QGIS reads only the header (and accepts an empty answer).
    return Response(status_code=204, headers={"Allow": ", ".join(methods)})


@router.options(
    "/collections/measures/items",
    status_code=204,
    summary="Methods this caller may use on the measures",
    responses=responses(204, problems=(401,)),
)
async def options_items(caller: CallerDep) -> Response:
    """`Allow` for this caller: GET, HEAD, OPTIONS, and POST with a key."""
    return _allow(access.allowed_on_items(caller))


@router.options(
    ITEM,
    status_code=204,
    summary="Methods this caller may use on a measure",
    responses=responses(204, problems=(400, 401, 404)),
)
async def options_item(measure_id: str, pool: PoolDep, caller: CallerDep) -> Response:
    """`Allow` for this caller and this measure: PUT, PATCH and DELETE where it may
    change it (404 for a measure it may not see, as GET)."""
    key = params.parse_uuid(measure_id)
    async with connection(pool) as conn:
        visible = await measures.select_feature(conn, key, caller.visibility)
    if visible is None:
        raise NotFound(f"no measure {measure_id}")
    return _allow(access.allowed_on_item(caller, measure_changes.facts(visible)))


@router.get(
    ITEM + "/history",
    summary="Versions of a measure",
    responses=responses(200, problems=(400, 401, 404)),
)
async def get_measure_history(measure_id: str, pool: PoolDep, caller: CallerDep) -> Response:
    """Every version, newest first, with who changed what when. Its partner, its
    reviewers and admins see every version; everyone else the published ones, without
    review notes or reviewers' names."""
    key = params.parse_uuid(measure_id)
    async with connection(pool) as conn:
        visible = await measures.select_feature(conn, key, caller.visibility)
        if visible is None:
            raise NotFound(f"no measure {measure_id}")
        rows = await measure_writes.select_history(conn, key)
    versions = [
        {
            "version": r["version"],
            "changed_at": r["changed_at"].isoformat(),
            "partner": r["partner"],
            "snapshot": orjson.loads(r["snapshot"]),
            "deleted_at": r["deleted_at"].isoformat() if r["deleted_at"] else None,
            "last_writer": r["last_writer"],
        }
        for r in rows
    ]
    full = access.sees_review_process(caller, measure_changes.facts(visible))
    return json_response({"id": measure_id, "versions": history(versions, full=full)})
