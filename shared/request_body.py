"""What every request body is checked for before a route sees it: size (413), media type (415), JSON that is
not an object (422), nesting too deep for the parser (400). ``shared.api`` applies these in its middleware and
in the error handlers for what powertools raises while it validates (which runs before any middleware of ours).
"""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from shared.errors import TooLarge, UnsupportedMediaType
from shared.responses import error_response

MAX_BODY_BYTES = 64 * 1024


def too_large(app: APIGatewayRestResolver) -> Response | None:
    body = app.current_event.body or ""
    size = len(body) * 3 // 4 if app.current_event.is_base64_encoded else len(body.encode())
    if size > MAX_BODY_BYTES:
        return error_response(TooLarge(f"The request body is over {MAX_BODY_BYTES // 1024} KiB."))
    return None


BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_JSON_DEPTH = 32  # our bodies nest 2 deep; json.loads itself overflows the stack near 1,000
NOT_JSON = "The request body must be JSON (Content-Type: application/json)."


def not_json(app: APIGatewayRestResolver) -> Response | None:
    """A body sent as anything but JSON is 415 (powertools would parse a form as one, and crash on the rest)."""
    event = app.current_event
    if not event.body or event.http_method not in BODY_METHODS:
        return None
    media_type = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type in ("", "application/json"):
        return None
    return error_response(UnsupportedMediaType(NOT_JSON))


def refused_body(app: APIGatewayRestResolver) -> Response | None:
    """What every path checks first, in this order: size (413), then media type (415)."""
    return too_large(app) or not_json(app)


def limit_body(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """Refuse oversized bodies (API Gateway itself allows up to 10 MB) and bodies that are not JSON. powertools
    validates a route's inputs before any middleware of ours runs, so the error handlers below check these first
    too: an oversized body is 413 whether or not it is also invalid."""
    return refused_body(app) or next_middleware(app)


def nesting_depth(text: str) -> int:
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


NOT_OBJECT = "must be a JSON object"


def json_but_not_object(app: APIGatewayRestResolver) -> bool:
    """The body is well-formed JSON (``null``, ``[]``, ``1``, ``"x"``) but not an object."""
    event = app.current_event
    text = event.decoded_body if event.is_base64_encoded else event.body
    if not text:
        return False
    try:
        return not isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # malformed or too deep: the 400 paths below and in _too_deep
        return False
