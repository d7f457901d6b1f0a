"""`/me`: who the API key of this request identifies, for clients such as the map."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from app.api.deps import CallerDep
from app.api.render import json_response
from app.ogc.openapi import responses

router = APIRouter(tags=["partners"])


@router.get(
    "/me", summary="The caller identified by the API key", responses=responses(problems=(401,))
)
async def get_me(caller: CallerDep) -> Response:
    """Partner, role and reviewed municipalities of the key; anonymous without one.

    A wrong or revoked key answers 401, so a client can check a key before using it.
    """
    return json_response(
        {
            "role": caller.role,
            "partner": caller.partner,
            "municipalities": list(caller.municipalities),
        }
    )
