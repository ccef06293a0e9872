"""The API port: API Gateway in front of the functions, plus the ``/_local`` routes.

Routes come from the functions' ``Api`` events. Protected routes need a token from ``POST /_local/token``;
without a valid one the answer is 401 and the function never runs, as with the Cognito authorizer. The API's
``Cors`` answers OPTIONS on every path, and its ``GatewayResponses`` shape the errors the gateway gives itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from infra.local.http import apigw
from infra.local.http.messages import Request, Response
from infra.local.http.routing import Router
from infra.local.runtime.workers import Result

GatewayAnswer = tuple[int, str, dict[str, str]]


class GatewayBackend(Protocol):
    """What the gateway needs of the stack."""

    @property
    def ready(self) -> bool: ...

    router: Router
    gateway_answers: dict[str, GatewayAnswer]
    cors_preflight: dict[str, str] | None

    def verify_token(self, header: str | None) -> dict[str, Any] | None: ...

    def sign_in(self, request: Request) -> Response | None: ...

    def invoke(self, name: str, event: Any, request_id: str | None = None) -> Result: ...


# The x-amzn-ErrorType API Gateway sends with each of its own answers.
ERROR_TYPES = {"MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
               "UNAUTHORIZED": "UnauthorizedException", "DEFAULT_5XX": "InternalServerErrorException"}
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload quota: over it, its REQUEST_TOO_LARGE answer


def _answer(answers: dict[str, GatewayAnswer], kind: str, status: int | None = None) -> Response:
    """API Gateway's own answer of type ``kind``: the template's status, body and headers, plus the request id
    and error type API Gateway adds to every answer it gives itself."""
    code, body, headers = answers[kind]
    error_type = [("x-amzn-ErrorType", ERROR_TYPES[kind])] if kind in ERROR_TYPES else []
    return Response(status or code, body.encode(), [
        ("Content-Type", "application/json"), *headers.items(), ("x-amzn-RequestId", str(uuid.uuid4())), *error_type])


class Gateway:
    def __init__(self, backend: GatewayBackend, local: Callable[[Request], Response]) -> None:
        self._stack, self._local = backend, local

    max_body = MAX_BODY

    def too_large(self) -> Response:
        """What the socket side answers, unread, for a body over ``max_body``."""
        return _answer(self._stack.gateway_answers, "REQUEST_TOO_LARGE")

    def __call__(self, request: Request) -> Response:
        if request.path.startswith("/_local/"):
            return self._local(request)
        stack = self._stack
        if not stack.ready:
            return Response.error(503, "unavailable", "The local stack is starting.")
        signed_in = stack.sign_in(request)  # Cognito's managed login, which shares the host locally
        if signed_in is not None:
            return signed_in
        # What API Gateway answers itself comes from the template: CORS preflight from the Api's Cors, errors
        # from its GatewayResponses.
        if request.method == "OPTIONS" and stack.cors_preflight is not None and stack.router.has_path(request.path):
            return Response(200, b"{}", [("Content-Type", "application/json"), *stack.cors_preflight.items(),
                                         ("x-amzn-RequestId", str(uuid.uuid4()))])
        match = stack.router.match(request.method, request.path)
        if match is None:
            return _answer(stack.gateway_answers, "MISSING_AUTHENTICATION_TOKEN")
        claims = None
        if not match.route.public:
            claims = stack.verify_token(request.header("Authorization"))
            if claims is None:
                return _answer(stack.gateway_answers, "UNAUTHORIZED")
        event = apigw.proxy_event(request, match, claims)
        result = stack.invoke(match.fn.name, event)
        response = apigw.integration_response(result.payload) if result.ok else None
        if response is None:
            # API Gateway answers 502 for a crashed or malformed integration; the contract's error code is 500.
            return _answer(stack.gateway_answers, "DEFAULT_5XX", 500)
        return apigw.http_response(response, event["requestContext"]["requestId"])
