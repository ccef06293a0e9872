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

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import users
from shared.errors import AppError, BadRequest, NotFound, TooLarge, Unauthorized, ValidationFailed
from shared.observability import logger, metrics


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


def _limit_body(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """Refuse oversized bodies (API Gateway itself allows up to 10 MB). powertools validates a route's inputs
    before any middleware of ours runs, so the error handlers below check the size first too: an oversized
    body is 413 whether or not it is also invalid."""
    return _too_large(app) or next_middleware(app)


def _validation_error(app: APIGatewayRestResolver, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    # powertools raises the same error type when a handler's answer fails its declared response model: that is
    # our bug, not the caller's, so it is a 500 (and logged), never a 422 blaming the request.
    if any(tuple(e.get("loc", ()))[:1] == ("response",) for e in errors):
        logger.error("response failed its declared model", extra={"errors": [
            {"loc": list(e.get("loc", ())), "type": e.get("type")} for e in errors]})
        return _internal()
    too_large = _too_large(app)
    if too_large:
        return too_large
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


def make_app(*routers: Router) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    app.use([_limit_body])
    for router in routers:
        app.include_router(router)
    app.exception_handler(AppError)(_error)
    app.exception_handler(RequestValidationError)(partial(_validation_error, app))
    app.exception_handler(UnicodeDecodeError)(partial(_undecodable, app))
    app.not_found(lambda _exc: _error(NotFound("No such route.")))
    app.exception_handler(NotFoundError)(lambda _exc: _error(NotFound("No such route.")))
    app.exception_handler(Exception)(_unexpected)
    return app


def entrypoint(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda ``handler``: correlation id from the request, metrics flushed, then the app."""

    @metrics.log_metrics
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
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
