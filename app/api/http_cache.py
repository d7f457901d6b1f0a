"""HTTP caching of reads: ETags per representation, 304s, Cache-Control and Vary.

A representation is fixed by the URL (format, CRS, filters, paging), the negotiated
format (`Accept`) and what the caller may see. Anonymous responses are `public` so that
nginx or a CDN keeps them for `HTTP_MAX_AGE_S`; responses to a key are `private,
no-store` (review notes and unpublished measures must not stay in any cache; a client
may still revalidate with the ETag it kept itself). `KeyedResponses` enforces that for
every response to a request with a key, whichever handler answered.

ETags of lists and statistics are hashes of the body and the representation, never a
data version: a counter in a public header told anyone how many writes the partners
made.
"""

from __future__ import annotations

import hashlib
from importlib import metadata

from fastapi import Request
from starlette.responses import Response

from app.domain.messages import DEFAULT_LANG
from app.http.query import query_of
from app.query.crs import Crs
from app.query.measure import Visibility

# A new release may render the same data differently: its ETags must differ.
RELEASE = metadata.version("klimawerk")
# The key headers that change what a caller sees.
VARY_CALLER = ["Authorization", "X-API-Key"]
# What a response to a key may be kept as: nothing, anywhere but in the client's hands.
KEYED_CACHE_CONTROL = "private, no-store"


def content_etag(body: bytes, request: Request, *variant: object) -> str:
    """A weak ETag of `body` as the representation of `request` (format, language,
    caller's visibility in `variant`): it changes exactly when the bytes would."""
    digest = hashlib.blake2b(body, digest_size=16)
    parts = (RELEASE, request.url.path, sorted(query_of(request.scope).multi_items()), variant)
    digest.update(repr(parts).encode())
    return f'W/"{digest.hexdigest()}"'


def item_etag(version: int, *, html: bool, crs: Crs, lang: str = DEFAULT_LANG) -> str:
    """The strong ETag of one measure: its version, plus the representation unless it is
    GeoJSON in CRS84 (the form writes answer, so `If-Match` takes either); a page in
    another language than German is another representation too."""
    page = ("-html" + ("" if lang == DEFAULT_LANG else f"-{lang}")) if html else ""
    suffix = page + ("" if crs.is_default else f"-{crs.uri.rsplit('/', 1)[-1]}")
    return f'"{version}{suffix}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def matches(request: Request, etag: str) -> bool:
    """`If-None-Match` names `etag` (weak comparison, RFC 9110 13.1.2) or is `*`."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in header.split(","))


def cache_headers(
    request: Request,
    etag: str | None,
    *,
    visibility: Visibility | None = None,
    negotiated: bool = True,
    languages: bool = False,
) -> dict[str, str]:
    """ETag, Cache-Control and Vary; `visibility` None: the same for every caller;
    `negotiated`: the format depends on `Accept`; `languages`: an HTML page in the
    caller's language (`Accept-Language`)."""
    max_age = request.app.state.settings.http_max_age_s
    private = visibility is not None and not visibility.anonymous
    vary = (
        (["Accept"] if negotiated else [])
        + (["Accept-Language"] if languages else [])
        + (VARY_CALLER if visibility else [])
    )
    headers = {
        "Cache-Control": KEYED_CACHE_CONTROL if private else f"public, max-age={max_age}",
        "Vary": ", ".join(vary),
    }
    if etag:
        headers["ETag"] = etag
    return headers


def not_modified(headers: dict[str, str]) -> Response:
    """A 304 with the validators and caching headers of the full response."""
    return Response(status_code=304, headers=headers)


def with_validators(
    request: Request, response: Response, *, visibility: Visibility | None = None
) -> Response:
    """`response` with a strong ETag of its bytes and caching headers; 304 on a match.

    For documents that cost nothing to build (landing page, conformance, tile matrix sets).
    """
    etag = '"' + hashlib.blake2b(bytes(response.body), digest_size=12).hexdigest() + '"'
    languages = "content-language" in response.headers  # a page (`render`)
    headers = cache_headers(request, etag, visibility=visibility, languages=languages)
    if matches(request, etag):
        return not_modified(headers)
    response.headers.update(headers)
    return response
