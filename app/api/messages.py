"""`/messages`: the one message catalogue, for the map (and any client that wants it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.http_cache import with_validators
from app.api.render import json_response
from app.domain.messages import LANGS, catalogue

router = APIRouter(tags=["catalogue"])


@router.get("/messages", summary="Every message of the registry in German and English")
async def list_messages(request: Request) -> Response:
    """`{"de": {id: template}, "en": {...}}`: the map's labels (`map.*`), the problems'
    texts and titles. Templates hold `{name}` placeholders; problem+json carries the id
    as `code`. Both languages at once, so the map switches language without a request."""
    return with_validators(request, json_response({lang: catalogue(lang) for lang in LANGS}))
