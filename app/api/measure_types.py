"""`/measure-types`: the catalogue of measure types, for clients, forms and legends."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.http_cache import with_validators
from app.api.landing import base_url
from app.api.render import json_response
from app.domain.catalogue import load_catalogue
from app.domain.m102_4 import load_elements
from app.domain.validation import TEXT_LIMITS
from app.domain.water_balance import parameter_fields
from app.errors import NotFound
from app.ogc.links import JSON, link
from app.ogc.openapi import responses

router = APIRouter(tags=["catalogue"])


@router.get("/measure-types", summary="The catalogue of measure types")
async def list_measure_types(request: Request) -> Response:
    """Every type with German and English labels, geometry types and its water-balance
    model; `elements` holds the DWA-M 102-4 regressions with coefficients and sources."""
    catalogue, elements = load_catalogue(), load_elements()
    doc = catalogue.as_json()
    # The parameters as a form shows them (ranges from the elements: one rule, here).
    for entry in doc["types"]:
        entry["water_balance"]["fields"] = parameter_fields(catalogue.types[entry["id"]], elements)
    doc["elements"] = elements.as_json()
    # The longest text each property takes: forms read it here, never re-type it.
    doc["text_limits"] = dict(TEXT_LIMITS)
    doc["links"] = [link(f"{base_url(request)}/measure-types", "self", JSON, "this document")]
    return with_validators(request, json_response(doc))


@router.get(
    "/measure-types/{type_id}", summary="One measure type", responses=responses(problems=(404,))
)
async def get_measure_type(type_id: str, request: Request) -> Response:
    """One catalogue entry."""
    measure_type = load_catalogue().types.get(type_id)
    if measure_type is None:
        raise NotFound(f"there is no measure type {type_id!r}; see /measure-types")
    return with_validators(request, json_response(measure_type.as_json()))
