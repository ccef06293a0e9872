"""API Gateway's REST proxy integration, both ways, as pure functions: an HTTP request into the event a Lambda
function receives, and the function's answer into the HTTP response (as Chalice's ``LambdaEventConverter``)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from infra.local.http.messages import Request, Response
from infra.local.http.routing import Match
from infra.local.sam.model import ACCOUNT


def proxy_event(request: Request, match: Match, claims: dict[str, Any] | None,
                now: datetime | None = None, request_id: str | None = None) -> dict[str, Any]:
    """The ``AWS_PROXY`` event for ``request`` on ``match``'s route; ``claims`` from the authorizer."""
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for key, value in request.headers:
        headers[key] = value
        multi_headers.setdefault(key, []).append(value)
    multi_query = parse_qs(request.query, keep_blank_values=True)
    try:
        text, encoded = (request.body.decode() if request.body else None), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(request.body).decode(), True
    now = now or datetime.now(UTC)
    context: dict[str, Any] = {
        "accountId": ACCOUNT, "apiId": "local", "stage": "Prod", "protocol": "HTTP/1.1",
        "requestId": request_id or str(uuid.uuid4()), "extendedRequestId": uuid.uuid4().hex,
        "resourceId": "local", "resourcePath": match.route.path, "httpMethod": request.method,
        "path": f"/Prod{request.path}", "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(now.timestamp() * 1000), "domainName": request.host,
        "identity": {"sourceIp": request.client, "userAgent": headers.get("User-Agent")},
    }
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {
        "resource": match.route.path, "path": request.path, "httpMethod": request.method,
        "headers": headers or None, "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.params or None, "stageVariables": None,
        "requestContext": context, "body": text, "isBase64Encoded": encoded,
    }


def integration_response(payload: str) -> dict[str, Any] | None:
    """The function's answer, if it is a proxy integration response (else API Gateway answers 502)."""
    try:
        response = json.loads(payload)
    except (TypeError, ValueError):
        return None
    return response if isinstance(response, dict) and "statusCode" in response else None


def http_response(response: dict[str, Any], request_id: str) -> Response:
    """The HTTP response API Gateway makes of a proxy integration response."""
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    headers: list[tuple[str, str]] = []
    single = dict(response.get("headers") or {})
    for key, values in (response.get("multiValueHeaders") or {}).items():
        single.pop(key, None)
        headers += [(key, str(value)) for value in values]
    headers += [(key, str(value)) for key, value in single.items()]
    if not any(key.lower() == "content-type" for key, _ in headers):
        headers.append(("Content-Type", "application/json"))  # API Gateway's default for a proxy answer
    headers.append(("x-amzn-RequestId", request_id))
    return Response(int(response.get("statusCode", 200)), data, headers)
