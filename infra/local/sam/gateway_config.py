"""What API Gateway answers itself, with no function run, under the template's Api: its ``GatewayResponses``
(a bad token, an unknown route, a crashed integration) and its ``Cors`` preflight."""

from __future__ import annotations

import json
from typing import Any

from infra import cfn
from infra.local.sam.resolver import Resolver

# API Gateway's own answers (no function runs), by response type: what it says without a GatewayResponses entry.
GATEWAY_DEFAULTS = {"UNAUTHORIZED": (401, "Unauthorized"),
                    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
                    "DEFAULT_5XX": (500, "Internal server error"),
                    "REQUEST_TOO_LARGE": (413, "Request Too Long")}


def _apis(resolver: Resolver) -> list[dict[str, Any]]:
    return list(cfn.resources("AWS::Serverless::Api", resolver.template).values())


def _header_value(resolver: Resolver, value: Any) -> str:
    """API Gateway header values in a template are quoted literals: ``"'*'"``."""
    return str(resolver.resolve(value)).strip("'")


def gateway_answer(resolver: Resolver, kind: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers API Gateway gives for ``kind`` under the template's ``GatewayResponses`` (the
    first ``AWS::Serverless::Api`` that has them), else AWS's default; ``$context.error.message*`` filled in."""
    status, message = GATEWAY_DEFAULTS[kind]
    fallback = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
    for api in _apis(resolver):
        responses = api.get("GatewayResponses") or {}
        spec = responses.get(kind) or responses.get(fallback)
        if spec:
            body = (spec.get("ResponseTemplates") or {}).get("application/json", json.dumps({"message": message}))
            body = body.replace("$context.error.messageString", json.dumps(message))
            headers = {name: _header_value(resolver, value)
                       for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()}
            return int(spec.get("StatusCode", status)), body.replace("$context.error.message", message), headers
    return status, json.dumps({"message": message}), {}


def cors_preflight(resolver: Resolver) -> dict[str, str] | None:
    """The headers of SAM's OPTIONS answer on every path (an API Gateway mock, no function), from the Api's
    ``Cors``; None without one."""
    for api in _apis(resolver):
        cors = api.get("Cors")
        if cors is None:
            continue
        if not isinstance(cors, dict):  # the short form names the origin only
            cors = {"AllowOrigin": cors}
        names = {"AllowOrigin": "Access-Control-Allow-Origin", "AllowHeaders": "Access-Control-Allow-Headers",
                 "AllowMethods": "Access-Control-Allow-Methods", "MaxAge": "Access-Control-Max-Age"}
        return {header: _header_value(resolver, cors[key]) for key, header in names.items() if key in cors}
    return None
