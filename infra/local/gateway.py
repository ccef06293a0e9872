"""The API port: API Gateway's REST proxy integration in front of the workers, plus the ``/_local`` routes.

Routes come from the functions' ``Api`` events. Protected routes need a token from ``POST /_local/token``;
without a valid one the answer is 401 and the function never runs, as with the Cognito authorizer. The API's
``Cors`` answers OPTIONS on every path, and its ``GatewayResponses`` shape the errors the gateway gives itself.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.local import emails, openapi
from infra.local.http.oauth import PATHS as OAUTH_PATHS
from infra.local.httpd import Handler
from infra.local.template import Function, Route


@dataclass(frozen=True)
class Match:
    fn: Function
    route: Route
    params: dict[str, str]


def _pattern(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


class Router:
    def __init__(self, functions: dict[str, Function]) -> None:
        routes = [(fn, route, _pattern(route.path)) for fn in functions.values() for route in fn.routes]
        # Literal paths win over parameters, as in API Gateway.
        self._routes = sorted(routes, key=lambda r: r[1].path.count("{"))

    def match(self, method: str, path: str) -> Match | None:
        for fn, route, pattern in self._routes:
            found = pattern.match(path)
            if found and route.method in (method, "ANY"):
                return Match(fn, route, found.groupdict())
        return None

    def has_path(self, path: str) -> bool:
        return any(pattern.match(path) for _, _, pattern in self._routes)


def _error(code: str, message: str) -> dict[str, str]:
    return {"error": code, "message": message}


class GatewayHandler(Handler):
    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.body()
        if url.path.startswith("/_local/"):
            self._local(self.command, url.path, body)
            return
        stack = self.stack  # type: ignore[attr-defined]
        if not stack.ready:
            self.reply(503, _error("unavailable", "The local stack is starting."))
            return
        if url.path in OAUTH_PATHS and getattr(stack, "oauth", None):  # Cognito's endpoints (http/oauth.py)
            answer = stack.oauth.handle(self.command, url.path, url.query, dict(self.headers), body)
            self.reply(answer.status, answer.body, answer.headers)
            return
        # What API Gateway answers itself comes from the template: CORS preflight from the Api's Cors, errors
        # from its GatewayResponses (stack.gateway_answers).
        if self.command == "OPTIONS" and stack.cors_preflight is not None and stack.router.has_path(url.path):
            self.reply(200, "{}", stack.cors_preflight)
            return
        match = stack.router.match(self.command, url.path)
        if match is None:
            self.reply(*stack.gateway_answers["MISSING_AUTHENTICATION_TOKEN"])
            return
        claims = None
        if not match.route.public:
            claims = stack.tokens.verify(self.headers.get("Authorization"))
            if claims is None:
                self.reply(*stack.gateway_answers["UNAUTHORIZED"])
                return
        event = self._event(match, url.path, url.query, body, claims)
        result = stack.invoke(match.fn.name, event)
        response = json.loads(result.payload) if result.ok else None
        if not isinstance(response, dict) or "statusCode" not in response:
            # API Gateway answers 502 for a crashed or malformed integration; the contract's error code is 500.
            _, body, headers = stack.gateway_answers["DEFAULT_5XX"]
            self.reply(500, body, headers)
            return
        self._respond(response, event["requestContext"]["requestId"])

    def _event(self, match: Match, path: str, query: str, body: bytes, claims: dict[str, Any] | None) -> dict:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for key, value in self.headers.items():
            headers[key] = value
            multi_headers.setdefault(key, []).append(value)
        multi_query = parse_qs(query, keep_blank_values=True)
        try:
            text, encoded = (body.decode() if body else None), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        now = datetime.now(UTC)
        context: dict[str, Any] = {
            "accountId": "123456789012", "apiId": "local", "stage": "Prod", "protocol": "HTTP/1.1",
            "requestId": str(uuid.uuid4()), "extendedRequestId": uuid.uuid4().hex,
            "resourceId": "local", "resourcePath": match.route.path, "httpMethod": self.command,
            "path": f"/Prod{path}", "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000), "domainName": f"127.0.0.1:{self.server.server_port}",
            "identity": {"sourceIp": self.client_address[0], "userAgent": headers.get("User-Agent")},
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        return {
            "resource": match.route.path, "path": path, "httpMethod": self.command,
            "headers": headers or None, "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": match.params or None, "stageVariables": None,
            "requestContext": context, "body": text, "isBase64Encoded": encoded,
        }

    def _respond(self, response: dict[str, Any], request_id: str) -> None:
        body = response.get("body") or ""
        data = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
        self.send_response(int(response.get("statusCode", 200)))
        headers = dict(response.get("headers") or {})
        for key, values in (response.get("multiValueHeaders") or {}).items():
            headers.pop(key, None)
            for value in values:
                self.send_header(key, str(value))
        for key, value in headers.items():
            if key.lower() != "content-length":
                self.send_header(key, str(value))
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _local(self, method: str, path: str, body: bytes) -> None:
        stack = self.stack  # type: ignore[attr-defined]
        if (method, path) == ("GET", "/_local/health"):
            if not stack.ready:
                self.reply(503, {"status": "starting", "pending": 0})
                return
            self.reply(200, {"status": "ready", "pending": stack.asyncq.pending, "aws_endpoint": stack.endpoint,
                             "uptime_s": round(time.time() - stack.started, 1)})
            return
        if not stack.ready:
            self.reply(503, _error("unavailable", "The local stack is starting."))
            return
        routes = {
            ("POST", "/_local/token"): lambda: self._token(body),
            ("GET", "/_local/emails"): lambda: self.reply(200, {"items": emails.items()}),
            ("GET", "/_local/failed"): lambda: self.reply(200, {"items": list(stack.failed)}),
            ("POST", "/_local/redrive"): lambda: self.reply(200, {"redriven": stack.redrive()}),
            ("GET", "/_local/stats"): lambda: self.reply(200, stack.stats.snapshot()),
            ("GET", "/_local/openapi.json"): lambda: self.reply(200, openapi.document(stack.functions)),
        }
        route = routes.get((method, path))
        if route is None:
            self.reply(404, _error("not_found", "No such local route."))
        else:
            route()

    def _token(self, body: bytes) -> None:
        # Both claims, as a Cognito pool that signs users in by email always has them.
        try:
            claims = json.loads(body or b"{}")
            username, email = claims["username"], claims["email"]
        except (ValueError, KeyError, TypeError):
            username = email = None
        if not (isinstance(username, str) and username.strip() and isinstance(email, str) and "@" in email):
            self.reply(400, _error("bad_request", 'The body must be {"username", "email"}, both non-empty.'))
            return
        self.reply(200, {"token": self.stack.tokens.issue(username, email)})  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch
