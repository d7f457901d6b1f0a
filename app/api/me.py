"""`/me`: who the API key of this request identifies and what it may do, for clients
such as the map (so that they need not re-implement the access rules)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from app.api.deps import CallerDep, KnownMunicipalitiesDep
from app.api.render import json_response
from app.domain import access
from app.ogc.openapi import responses

router = APIRouter(tags=["partners"])

ME_DESCRIPTION = """The caller and its capabilities; anonymous without a key.

`{"role": "anonymous|partner|reviewer|admin", "partner": str|null,
"municipalities": [AGS…] (the key's limit; [] = unlimited),
"capabilities": {"read_unpublished": bool, "create": bool, "create_in": [AGS…],
"review": bool, "review_in": [AGS…], "admin": bool}}`.
`create_in` and `review_in` list the 8-digit AGS of every municipality where the key
may create or review (all 17 when unlimited, `[]` when none). A wrong or revoked key
answers 401, so a client can check a key before using it."""


@router.get(
    "/me",
    summary="The caller identified by the API key",
    description=ME_DESCRIPTION,
    responses=responses(problems=(401,)),
)
async def get_me(caller: CallerDep, municipalities: KnownMunicipalitiesDep) -> Response:
    """Role, partner, municipality limit and capabilities of the key."""
    return json_response(
        access.capabilities(caller, municipalities),
        headers={"Vary": "Authorization, X-API-Key"},
    )
