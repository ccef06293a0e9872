"""The answers every handler shares: JSON in the contract's shape, and nothing at all after a 204.

``make_app`` (``shared.api``) registers ``bodyless`` so no route can send a body with 204/304, whatever it returns.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from shared.errors import AppError

NO_BODY_STATUSES = (204, 304)  # RFC 9110: these answers end at their headers


def json_response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    if status in NO_BODY_STATUSES:
        return no_content(status, headers)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=None if body is None else json.dumps(body, separators=(",", ":")),
        headers=headers,
    )


def no_content(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    """An answer with no body and no Content-Type (a JSON content type would make powertools write ``null``)."""
    return Response(status_code=status, body=None, headers=headers)


def bodyless(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """Whatever a route returns with 204/304, nothing follows the headers: a stray ``null`` there is read by a
    keep-alive client as the start of its next answer. This runs outside powertools' response validation,
    which serialises a declared ``None`` into ``null``."""
    response = next_middleware(app)
    if response.status_code in NO_BODY_STATUSES:
        response.body = None
        for name in [h for h in response.headers if h.lower() == "content-type"]:
            del response.headers[name]
    return response


def error_response(exc: AppError) -> Response:
    return json_response(exc.status, exc.body(), exc.headers() or None)


def internal() -> Response:
    return json_response(500, {"error": "internal", "message": "Something went wrong on our side."})
