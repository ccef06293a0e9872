"""The HTTP side shared by every handler: the resolver factory, error mapping (once) and the caller.

Each handler module declares its routes on a powertools ``Router`` and builds its app with ``make_app``; the
local stack builds one app from every router to publish the OpenAPI document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import config, db, users
from shared.errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from shared.observability import logger, metrics, traced


def json_response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=None if body is None else json.dumps(body, separators=(",", ":")),
        headers=headers,
    )


def _error(exc: AppError) -> Response:
    return json_response(exc.status, exc.body())


def _internal() -> Response:
    return json_response(500, {"error": "internal", "message": "Something went wrong on our side."})


MAX_BODY_BYTES = 64 * 1024


def _too_large(app: APIGatewayRestResolver) -> Response | None:
    body = app.current_event.body or ""
    size = len(body) * 3 // 4 if app.current_event.is_base64_encoded else len(body.encode())
    if size > MAX_BODY_BYTES:
        return _error(TooLarge(f"The request body is over {MAX_BODY_BYTES // 1024} KiB."))
    return None


BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_JSON_DEPTH = 32  # our bodies nest 2 deep; json.loads itself overflows the stack near 1,000
NOT_JSON = "The request body must be JSON (Content-Type: application/json)."


def _not_json(app: APIGatewayRestResolver) -> Response | None:
    """A body sent as anything but JSON is 415 (powertools would parse a form as one, and crash on the rest)."""
    event = app.current_event
    if not event.body or event.http_method not in BODY_METHODS:
        return None
    media_type = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type in ("", "application/json"):
        return None
    return _error(UnsupportedMediaType(NOT_JSON))


def _refused_body(app: APIGatewayRestResolver) -> Response | None:
    """What every path checks first, in this order: size (413), then media type (415)."""
    return _too_large(app) or _not_json(app)


def _limit_body(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """Refuse oversized bodies (API Gateway itself allows up to 10 MB) and bodies that are not JSON. powertools
    validates a route's inputs before any middleware of ours runs, so the error handlers below check these first
    too: an oversized body is 413 whether or not it is also invalid."""
    return _refused_body(app) or next_middleware(app)


def _nesting_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in JSON text, without parsing it (the parser is what overflows)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _validation_error(app: APIGatewayRestResolver, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    # powertools raises the same error type when a handler's answer fails its declared response model: that is
    # our bug, not the caller's, so it is a 500 (and logged), never a 422 blaming the request.
    if any(tuple(e.get("loc", ()))[:1] == ("response",) for e in errors):
        logger.error("response failed its declared model", extra={"errors": [
            {"loc": list(e.get("loc", ())), "type": e.get("type")} for e in errors]})
        return _internal()
    refused = _refused_body(app)
    if refused:
        return refused
    # powertools reports a body that is not JSON (or absent) as a validation error; the contract says 400.
    if any(e.get("type") == "json_invalid" or (e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",))
           for e in errors):
        return _error(BadRequest("The request body must be a JSON object."))
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
         "message": e.get("msg") or e.get("type", "invalid")}
        for e in errors
    ]
    return _error(ValidationFailed("The request is not valid.", details))


def _unexpected(exc: Exception) -> Response:
    logger.exception("unhandled error")
    return _internal()


def _undecodable(app: APIGatewayRestResolver, exc: UnicodeDecodeError) -> Response:
    """powertools decodes a base64 body (what the gateway sends for bytes that are not UTF-8) as UTF-8 while it
    validates, before any middleware of ours runs: such a body is malformed JSON, a 400, not a crash."""
    if app.current_event.is_base64_encoded:
        return _too_large(app) or _error(BadRequest("The request body must be a JSON object."))
    return _unexpected(exc)


def _unsupported_content_type(app: APIGatewayRestResolver, exc: RequestUnsupportedContentType) -> Response:
    """powertools raises this (a NotImplementedError, so a 500) for a body type it cannot parse."""
    return _refused_body(app) or _error(UnsupportedMediaType(NOT_JSON))


def _too_deep(app: APIGatewayRestResolver, exc: RecursionError) -> Response:
    """``json.loads`` overflows the stack on deeply nested input, inside powertools' validation: a body nested
    that deep is malformed for us (400), not a crash. Any other recursion error is ours."""
    refused = _refused_body(app)
    if refused:
        return refused
    body = app.current_event.body or ""
    if app.current_event.is_base64_encoded:
        body = app.current_event.decoded_body
    if _nesting_depth(body) > MAX_JSON_DEPTH:
        return _error(BadRequest(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep."))
    return _unexpected(exc)


def _cancelled(exc: db.TransactionCancelled) -> Response:
    """A transaction still colliding with others after its retries: busy, try again (409); any other
    cancellation a business rule did not turn into an answer is ours (500)."""
    if exc.busy:
        return _error(Conflict("Someone else is changing this right now; try again."))
    return _unexpected(exc)


def make_app(*routers: Router) -> APIGatewayRestResolver:
    # CORS headers on every answer to a browser (the preflight itself is API Gateway's, from the template's Cors).
    cors = CORSConfig(allow_origin=config.allowed_origin(), allow_headers=["Authorization"],
                      expose_headers=["Location"], max_age=600)
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)
    app.use([_limit_body])
    for router in routers:
        app.include_router(router)
    app.exception_handler(AppError)(_error)
    app.exception_handler(RequestValidationError)(partial(_validation_error, app))
    app.exception_handler(UnicodeDecodeError)(partial(_undecodable, app))
    app.exception_handler(RequestUnsupportedContentType)(partial(_unsupported_content_type, app))
    app.exception_handler(RecursionError)(partial(_too_deep, app))
    app.exception_handler(db.TransactionCancelled)(_cancelled)
    app.not_found(lambda _exc: _error(NotFound("No such route.")))
    app.exception_handler(NotFoundError)(lambda _exc: _error(NotFound("No such route.")))
    app.exception_handler(Exception)(_unexpected)
    return app


def entrypoint(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda ``handler``: correlation id from the request, metrics flushed, then the app."""

    @metrics.log_metrics
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @traced
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler


@dataclass(frozen=True)
class Caller:
    username: str
    email: str


def caller(router: Router | APIGatewayRestResolver) -> Caller:
    """The authenticated user, from the authorizer's claims only (never the body); ensures their profile.

    In AWS the Cognito authorizer rejects a bad token before the handler runs; this check is the second line.
    """
    context = router.current_event.raw_event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    username = claims.get("cognito:username")
    if not username:
        raise Unauthorized("A valid bearer token is required.")
    email = claims.get("email") or ""
    users.ensure_profile(username, email)
    return Caller(username=username, email=email)


def correlation_id() -> str:
    return logger.get_correlation_id() or "none"
