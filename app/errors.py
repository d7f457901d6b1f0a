"""The error family of the registry and the one handler that writes RFC 9457 problems."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.domain.messages import DEFAULT_LANG, localised, negotiate, text

log = logging.getLogger("klimawerk")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://klimawerk.example/problems/"


class AppError(Exception):
    """An error the caller can act on; subclasses fix the status and the type slug."""

    status = 500
    slug = "internal-error"
    title = "Internal server error"
    # Seconds after which a retry may succeed (the `Retry-After` header); None: no header.
    retry_after: int | None = None
    # Why a guard turned the request away (metrics and the access log show it); None: the
    # error is the caller's or the server's, not a refusal.
    refusal: str | None = None

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        retry_after: int | None = None,
        refusal: str | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        # A message id of `app.domain.messages`: the detail is then said in the caller's
        # language; `detail` stays the English text (logs, the CLI).
        self.code = code
        self.params = params or {}
        if retry_after is not None:
            self.retry_after = retry_after
        if refusal is not None:
            self.refusal = refusal

    def problem(
        self,
        instance: str | None = None,
        request_id: str | None = None,
        lang: str = DEFAULT_LANG,
    ) -> dict[str, Any]:
        """The RFC 9457 body of this error in `lang` (server errors name their request
        id). A detail template may use `{summary}`: the first problems, in `lang`."""
        errors = [localised(e, lang) for e in self.errors]
        detail = self.detail
        if self.code:
            summary = "; ".join(f"{e['where'] or '/'}: {e['problem']}" for e in errors[:5])
            detail = text(self.code, lang, summary=summary, **self.params)
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": text(f"title.{self.slug}", lang) if lang != "en" else self.title,
            "status": self.status,
            "detail": detail,
        }
        if instance:
            body["instance"] = instance
        if errors:
            body["errors"] = errors
        if request_id and self.status >= 500:
            body["request_id"] = request_id
        return body


class InvalidParameter(AppError):
    """A query parameter is malformed or out of range."""

    status = 400
    slug = "invalid-parameter"
    title = "Invalid parameter"


class InvalidFilter(InvalidParameter):
    """A filter expression cannot be parsed or names something unknown."""

    slug = "invalid-filter"
    title = "Invalid filter"


class NotFound(AppError):
    """The resource does not exist (or the caller may not know that it does)."""

    status = 404
    slug = "not-found"
    title = "Not found"


class Unauthorized(AppError):
    """No valid key where one is needed, or a wrong or revoked key."""

    status = 401
    slug = "unauthorized"
    title = "Unauthorized"


class Forbidden(AppError):
    """A valid key without the right for this action."""

    status = 403
    slug = "forbidden"
    title = "Forbidden"


class PreconditionFailed(AppError):
    """If-Match names a version that is no longer current."""

    status = 412
    slug = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(AppError):
    """A change without If-Match, which would risk overwriting someone else's edit."""

    status = 428
    slug = "precondition-required"
    title = "Precondition required"


class PayloadTooLarge(AppError):
    """The body exceeds what is accepted."""

    status = 413
    slug = "payload-too-large"
    title = "Payload too large"
    refusal = "body_limit"


class InvalidMeasure(AppError):
    """A submitted measure fails validation; `errors` lists what and where."""

    status = 422
    slug = "invalid-measure"
    title = "Invalid measure"


class NotAcceptable(AppError):
    """No representation the caller accepts is available."""

    status = 406
    slug = "not-acceptable"
    title = "Not acceptable"


class TooManyRequests(AppError):
    """The caller sent more requests than its rate limit allows."""

    status = 429
    slug = "too-many-requests"
    title = "Too many requests"
    retry_after = 1
    refusal = "rate_limit"


class Unavailable(AppError):
    """A dependency (the database) is not reachable, or the service is at capacity."""

    status = 503
    slug = "unavailable"
    title = "Service unavailable"
    retry_after = 1


class ProblemResponse(Response):
    """A problem+json response that leaves its refusal reason in the request's scope
    state (`refusal`), where metrics and the access log read it."""

    refusal: str | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.refusal:
            scope.setdefault("state", {})["refusal"] = self.refusal
        await super().__call__(scope, receive, send)


def request_lang(request: Request) -> str:
    """The language of the caller's problems: `lang`, else `Accept-Language`, else German."""
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def problem_response(
    error: AppError,
    instance: str | None = None,
    request_id: str | None = None,
    lang: str = DEFAULT_LANG,
) -> Response:
    """Render an AppError as application/problem+json in `lang`."""
    headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    response = ProblemResponse(
        orjson.dumps(error.problem(instance, request_id, lang)),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
    response.refusal = error.refusal
    return response


def _request_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        out.append({"where": where, "problem": err.get("msg", "invalid")})
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception through the one problem+json renderer.

    Exceptions no handler knows are answered by `app.api.request_id.RequestId`, which
    logs them under the request id.
    """

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        request_id = getattr(request.state, "request_id", None)
        if exc.status >= 500:
            # With the cause (the database's own error) that the caller is not shown.
            log.error(
                "%s on %s %s (request %s): %s",
                exc.status,
                request.method,
                request.url.path,
                request_id,
                exc.detail,
                exc_info=exc.__cause__ or exc,
            )
        response = problem_response(exc, request.url.path, request_id, request_lang(request))
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="klimawerk"'
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _request_validation_errors(exc)
        detail = "; ".join(f"{e['where']}: {e['problem']}" for e in errors) or "invalid request"
        return problem_response(
            InvalidParameter(detail, errors=errors), request.url.path, lang=request_lang(request)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        error = AppError(str(exc.detail))
        error.status = exc.status_code
        error.slug = {404: "not-found", 405: "method-not-allowed"}.get(
            exc.status_code, "http-error"
        )
        error.title = {404: "Not found", 405: "Method not allowed"}.get(
            exc.status_code, "HTTP error"
        )
        return problem_response(error, request.url.path, lang=request_lang(request))
