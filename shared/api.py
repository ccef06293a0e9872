"""The HTTP side shared by every handler: the resolver factory, error mapping (once) and the caller.

Each handler module declares its routes on a powertools ``Router`` and builds its app with ``make_app``; the
local stack builds one app from every router to publish the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import config, db, snapstart, users
from shared.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from shared.observability import logger, metrics, traced
from shared.request_body import (
    MAX_JSON_DEPTH,
    NOT_JSON,
    NOT_OBJECT,
    json_but_not_object,
    limit_body,
    nesting_depth,
    refused_body,
    too_large,
)
from shared.responses import bodyless, error_response, internal
from shared.text import cognito_username_error


def _validation_error(app: APIGatewayRestResolver, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    # powertools raises the same error type when a handler's answer fails its declared response model: that is
    # our bug, not the caller's, so it is a 500 (and logged), never a 422 blaming the request.
    if any(tuple(e.get("loc", ()))[:1] == ("response",) for e in errors):
        logger.error("response failed its declared model", extra={"errors": [
            {"loc": list(e.get("loc", ())), "type": e.get("type")} for e in errors]})
        return internal()
    refused = refused_body(app)
    if refused:
        return refused
    if any(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors) and json_but_not_object(app):
        # ``null`` reaches powertools as "body missing", ``[]`` as a model error: one mistake, one answer.
        return error_response(ValidationFailed("The request is not valid.", [{"field": "body", "message": NOT_OBJECT}]))
    # powertools reports a body that is not JSON (or absent) as a validation error; the contract says 400.
    if any(e.get("type") == "json_invalid" or (e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",))
           for e in errors):
        return error_response(BadRequest("The request body must be a JSON object."))
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
         "message": e.get("msg") or e.get("type", "invalid")}
        for e in errors
    ]
    return error_response(ValidationFailed("The request is not valid.", details))


def _unexpected(exc: Exception) -> Response:
    logger.exception("unhandled error")
    return internal()


def _undecodable(app: APIGatewayRestResolver, exc: UnicodeDecodeError) -> Response:
    """powertools decodes a base64 body (what the gateway sends for bytes that are not UTF-8) as UTF-8 while it
    validates, before any middleware of ours runs: such a body is malformed JSON, a 400, not a crash."""
    if app.current_event.is_base64_encoded:
        return too_large(app) or error_response(BadRequest("The request body must be a JSON object."))
    return _unexpected(exc)


def _unsupported_content_type(app: APIGatewayRestResolver, exc: RequestUnsupportedContentType) -> Response:
    """powertools raises this (a NotImplementedError, so a 500) for a body type it cannot parse."""
    return refused_body(app) or error_response(UnsupportedMediaType(NOT_JSON))


def _unparsable(app: APIGatewayRestResolver, exc: ValueError) -> Response:
    """powertools raises a bare ValueError while it validates a body it cannot split (multipart without a
    boundary): that body is not JSON, so 415, not a crash. Any other ValueError is ours."""
    return refused_body(app) or _unexpected(exc)


def _too_deep(app: APIGatewayRestResolver, exc: RecursionError) -> Response:
    """``json.loads`` overflows the stack on deeply nested input, inside powertools' validation: a body nested
    that deep is malformed for us (400), not a crash. Any other recursion error is ours."""
    refused = refused_body(app)
    if refused:
        return refused
    body = app.current_event.body or ""
    if app.current_event.is_base64_encoded:
        body = app.current_event.decoded_body
    if nesting_depth(body) > MAX_JSON_DEPTH:
        return error_response(BadRequest(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep."))
    return _unexpected(exc)


def _cancelled(exc: db.TransactionCancelled) -> Response:
    """A transaction still colliding with others after its retries: busy, try again (409); any other
    cancellation a business rule did not turn into an answer is ours (500)."""
    if exc.busy:
        return error_response(Conflict("Someone else is changing this right now; try again."))
    return _unexpected(exc)


def make_app(*routers: Router) -> APIGatewayRestResolver:
    # CORS headers on every answer to a browser (the preflight itself is API Gateway's, from the template's Cors).
    cors = CORSConfig(allow_origin=config.allowed_origin(), allow_headers=["Authorization"],
                      expose_headers=["Location"], max_age=600)
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)
    app.use([bodyless, limit_body])
    for router in routers:
        app.include_router(router)
    app.exception_handler(AppError)(error_response)
    app.exception_handler(RequestValidationError)(partial(_validation_error, app))
    app.exception_handler(UnicodeDecodeError)(partial(_undecodable, app))
    app.exception_handler(RequestUnsupportedContentType)(partial(_unsupported_content_type, app))
    app.exception_handler(RecursionError)(partial(_too_deep, app))
    app.exception_handler(ValueError)(partial(_unparsable, app))
    app.exception_handler(db.TransactionCancelled)(_cancelled)
    app.not_found(lambda _exc: error_response(NotFound("No such route.")))
    app.exception_handler(NotFoundError)(lambda _exc: error_response(NotFound("No such route.")))
    app.exception_handler(Exception)(_unexpected)
    return app


def entrypoint(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda ``handler``: correlation id from the request, metrics flushed, then the app. Its function runs
    with SnapStart, so this also registers what a restored environment must redo (``shared.snapstart``)."""
    snapstart.register()

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
    email_verified: bool = True


def caller(router: Router | APIGatewayRestResolver) -> Caller:
    """The authenticated user, from the authorizer's claims only (never the body); ensures their profile.

    In AWS the Cognito authorizer rejects a bad token before the handler runs; this check is the second line.
    """
    context = router.current_event.raw_event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    username = claims.get("cognito:username")
    if not username or cognito_username_error(username):  # no key is built from what Cognito never issues
        raise Unauthorized("A valid bearer token is required.")
    email = claims.get("email") or ""
    # Cognito's ID token says "true"/"false" (a string in the authorizer's claims); absent counts as unverified.
    verified = str(claims.get("email_verified", "")).lower() == "true"
    try:
        users.ensure_profile(username, email, verified=verified)
    except users.AccountErased as exc:  # in AWS the ID token outlives AdminDeleteUser until it expires
        raise Unauthorized("This account has been deleted.") from exc
    return Caller(username=username, email=email, email_verified=verified)


def mailed_caller(router: Router | APIGatewayRestResolver) -> Caller:
    """The caller of a route that leads to email at their address (subscribing, posting: the sale notice,
    buying: the receipt): 403 unless the token says the address is verified, so a token carrying someone
    else's address cannot sign them up for mail (issue 18)."""
    me = caller(router)
    if not me.email_verified:
        raise Forbidden("Verify your email address first: this sends email to it.")
    return me


def correlation_id() -> str:
    return logger.get_correlation_id() or "none"
