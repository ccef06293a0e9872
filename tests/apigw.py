"""Build realistic API Gateway REST proxy events and call a handler module with them."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]
    raw_body: str = ""


def proxy_event(
    method: str,
    resource: str,
    *,
    path_params: dict[str, str] | None = None,
    body: Any = None,
    raw_body: str | None = None,
    query: dict[str, str] | None = None,
    user: str | None = None,
    email: str | None = None,
    email_verified: bool = True,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """``resource`` is the template path (``/leeds/{id}``); ``user`` adds Cognito claims as the authorizer would."""
    path = resource
    for key, value in (path_params or {}).items():
        path = path.replace("{" + key + "}", value)
    assert not re.search(r"{\w+}", path), f"missing path parameter in {path}"
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    context: dict[str, Any] = {
        "requestId": str(uuid.uuid4()),
        "resourcePath": resource,
        "httpMethod": method,
        "path": f"/Prod{path}",
        "stage": "Prod",
        "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
    }
    if user:
        context["authorizer"] = {"claims": {"cognito:username": user, "email": email or f"{user}@example.com",
                                            "email_verified": "true" if email_verified else "false"}}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": content_type, "Accept": "application/json"},
        "multiValueHeaders": {"Content-Type": [content_type], "Accept": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }


def call(module: ModuleType, method: str, resource: str, context: Any, **kwargs: Any) -> Reply:
    result = module.handler(proxy_event(method, resource, **kwargs), context)
    headers = {k: v[0] if isinstance(v, list) else v for k, v in (result.get("multiValueHeaders") or {}).items()}
    headers.update(result.get("headers") or {})
    text = result.get("body") or ""
    is_json = "json" in headers.get("Content-Type", "application/json")
    return Reply(status=int(result["statusCode"]), body=json.loads(text) if text and is_json else None,
                 headers=headers, raw_body=text)
