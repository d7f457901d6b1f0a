"""The `/api` document: OpenAPI 3.0.3, as the OGC `oas30` requirement class asks.

FastAPI writes OpenAPI 3.1 (JSON Schema 2020-12). This module asks it for the document,
rewrites the few 3.1-only constructs into their 3.0 form, and adds what every operation
shares: the problem+json schema, the API key schemes and the service-wide responses.
Routes declare their own statuses and media types with `responses(...)`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app.errors import PROBLEM_MEDIA_TYPE

OPENAPI_VERSION = "3.0.3"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"where": {"type": "string"}, "problem": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status"],
}

PROBLEM_DESCRIPTIONS = {
    304: "Not modified (If-None-Match names the current ETag)",
    400: "A parameter, filter or header is malformed or out of range",
    401: "No valid API key where one is needed",
    403: "The API key lacks the right for this action",
    404: "No such resource (or none the caller may see)",
    406: "No representation the caller accepts",
    409: "The request conflicts with the stored state",
    412: "If-Match names a version that is no longer current",
    413: "The body is too large",
    415: "The body's media type is not accepted",
    422: "The body is well-formed but not a valid measure or baseline",
    428: "The change needs If-Match",
    429: "Too many requests; retry after the time in Retry-After",
    503: "The database is not available or the request was shed; retry later",
}

# Any operation may answer these: the database can be away, and the rate limit holds
# for every path.
SERVICE_WIDE = (429, 503)

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
CSV = "text/csv"
GPKG = "application/geopackage+sqlite3"
MVT = "application/vnd.mapbox-vector-tile"
SCHEMA_JSON = "application/schema+json"

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API key as bearer token"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def responses(
    ok: int = 200,
    *media_types: str,
    problems: tuple[int, ...] = (),
    also: dict[int, str] | None = None,
) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: its success media types, problems and bodiless statuses."""
    declared: dict[int | str, dict[str, Any]] = {ok: {"description": "Success"}}
    if ok != 204:
        declared[ok]["content"] = {media: {} for media in (media_types or (JSON,))}
    for status, description in (also or {}).items():
        declared[status] = {"description": description}
    for status in problems:
        declared[status] = {
            "description": PROBLEM_DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return declared


NOT_MODIFIED = {304: "Not modified: If-None-Match names the current ETag"}

FEATURE_SCHEMA = {
    "type": "object",
    "description": "a GeoJSON Feature (or, to create several, a FeatureCollection)",
    "properties": {
        "type": {"type": "string", "enum": ["Feature", "FeatureCollection"]},
        "geometry": {"type": "object", "nullable": True},
        "properties": {"type": "object", "nullable": True},
        "features": {"type": "array", "items": {"type": "object"}},
    },
}
HEADERS = {
    "If-Match": "the ETag of the version being changed",
    "Content-Crs": "CRS of the body's coordinates (URI in <>; default CRS84)",
}


def feature_body(media_types: tuple[str, ...], headers: tuple[str, ...] = ("Content-Crs",)) -> dict:
    """`openapi_extra` of a write: its GeoJSON body and the headers it reads."""
    extra: dict[str, Any] = {
        "parameters": [
            {
                "name": name,
                "in": "header",
                "required": False,
                "description": HEADERS[name],
                "schema": {"type": "string"},
            }
            for name in headers
        ]
    }
    if media_types:
        extra["requestBody"] = {
            "required": True,
            "content": {media: {"schema": FEATURE_SCHEMA} for media in media_types},
        }
    return extra


def model_body(model: type[BaseModel]) -> dict:
    """`openapi_extra` of a write whose JSON body a pydantic model checks."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


def _drop_null(schema: dict[str, Any]) -> None:
    """`anyOf: [X, {type: null}]` and `type: [X, null]` become X with `nullable`."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del schema[key]
            if len(rest) == 1:
                schema.update(rest[0])
            else:
                schema[key] = rest
            schema["nullable"] = True
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        schema["nullable"] = len(others) < len(kind) or schema.get("nullable", False)
        schema["type"] = others[0] if len(others) == 1 else others


def _schema_to_30(schema: Any) -> Any:
    """Rewrite one JSON Schema 2020-12 fragment into the OpenAPI 3.0 schema dialect."""
    if isinstance(schema, list):
        return [_schema_to_30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _schema_to_30(v) for k, v in schema.items()}
    _drop_null(out)
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[plain] = value
            out[bound] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    examples = out.pop("examples", None)
    if isinstance(examples, list) and examples:
        out["example"] = examples[0]
    out.pop("$schema", None)
    return out


def _convert_schemas(node: Any) -> None:
    """Convert every `schema` of parameters, bodies and responses in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                node[key] = _schema_to_30(value)
            else:
                _convert_schemas(value)
    elif isinstance(node, list):
        for item in node:
            _convert_schemas(item)


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    methods = ("get", "put", "post", "patch", "delete", "head", "options")
    return [op for item in doc["paths"].values() for m, op in item.items() if m in methods]


def _add_shared_responses(op: dict[str, Any]) -> None:
    answers = op.setdefault("responses", {})
    fastapi_422 = answers.get("422", {}).get("content", {}).get(JSON, {}).get("schema", {})
    if fastapi_422.get("$ref", "").endswith("/HTTPValidationError"):
        del answers["422"]
    for status, declared in responses(problems=SERVICE_WIDE).items():
        if status != 200:
            answers.setdefault(str(status), declared)


def to_openapi_30(doc: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document in OpenAPI 3.0.3 form, with the shared parts added."""
    doc["openapi"] = OPENAPI_VERSION
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    # The app answers parameter errors as 400 problems, never FastAPI's 422 body.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    for op in _operations(doc):
        _add_shared_responses(op)
        # Every operation reads an optional key: anonymous callers see published data.
        op["security"] = [{}, {"bearer": []}, {"apiKey": []}]
    for name, schema in list(schemas.items()):
        schemas[name] = _schema_to_30(schema)
    _convert_schemas(doc["paths"])
    return doc


def install_openapi(app: FastAPI) -> None:
    """Serve the 3.0.3 document at the app's `openapi_url`, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = to_openapi_30(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=OPENAPI_VERSION,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
