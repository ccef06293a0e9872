"""The OpenAPI document's finishing touches that need the template: who must authenticate, and the errors
that follow from how a route is reached.

The routes declare what they answer (``shared.contract``: success model and status, their business errors);
powertools turns that into the document. What a handler cannot know is added here: 401 and a bearer
``security`` for a route the template puts behind the authorizer, 404 for a path parameter, 400/413/415/422
for a body, 422 for parameters; every error in the contract's shape with its exact code; and powertools' own
validation-error shape, which we never send, removed. ``tests/e2e/test_fuzz_openapi.py`` checks the running
stack against the result.
"""

from __future__ import annotations

import re
from typing import Any

from shared.contract import never_null, request_examples
from shared.errors import ERROR_CODES
from shared.trades import CATALOGUE

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{[^}]+\}")
POWERTOOLS_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")


def route_key(method: str, path: str) -> tuple[str, str]:
    """(method, path) with parameters unnamed: the template says ``{id}`` where a handler says ``<leed_id>``."""
    return method.lower(), _PARAM.sub("{}", path)


def complete(doc: dict[str, Any], protected: set[tuple[str, str]]) -> dict[str, Any]:
    """Finish powertools' ``doc``; ``protected``: (method, path) behind the authorizer."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in POWERTOOLS_SCHEMAS:
        schemas.pop(name, None)  # powertools' error shape, which we never send
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for name, example in request_examples().items():
        if name in schemas:
            schemas[name]["examples"] = [example]
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            _operation(operation, route_key(method, path), protected)
    return doc


def _operation(operation: dict[str, Any], route: tuple[str, str], protected: set[tuple[str, str]]) -> None:
    declared = {int(status): response for status, response in (operation.get("responses") or {}).items()
                if not _is_powertools_validation(response)}
    errors = {status for status in declared if status >= 400}
    if route in protected:
        operation["security"] = [{"bearer": []}]
        errors.add(401)
    params = operation.get("parameters") or []
    if any(p["in"] == "path" for p in params):
        errors.add(404)
    if params:
        errors.add(422)
    if "requestBody" in operation:
        errors.update((400, 413, 415, 422))
    _trade_enum(params)
    for param in params:
        # absent or text, never JSON null: else clients and fuzzers send ``?from=`` for null, which is 422
        param["schema"] = never_null(param["schema"])
    responses = {str(status): _without_empty_content(response)
                 for status, response in sorted(declared.items()) if status < 400}
    for code in sorted(errors):
        responses[str(code)] = _error(code)
    operation["responses"] = responses


def _is_powertools_validation(response: dict[str, Any]) -> bool:
    """The 422 powertools adds to every validated route, in its own shape."""
    content = (response.get("content") or {}).get("application/json") or {}
    return "HTTPValidationError" in str(content.get("schema", ""))


def _without_empty_content(response: dict[str, Any]) -> dict[str, Any]:
    """A 204 declares no body: no ``content`` at all, not an empty one."""
    return {k: v for k, v in response.items() if not (k == "content" and not v)}


def _error(code: int) -> dict[str, Any]:
    schema = {"allOf": [{"$ref": REF.format(model="Error")},
                        {"type": "object", "properties": {"error": {"const": ERROR_CODES[code]}}}]}
    answer = {"description": ERROR_CODES[code].replace("_", " ").capitalize() + ".",
              "content": {"application/json": {"schema": schema}}}
    if code == 429:  # a per-user quota (shared/quotas.py) says when it renews
        answer["headers"] = {"Retry-After": {"description": "Seconds until the quota renews.",
                                             "schema": {"type": "integer", "minimum": 1}}}
    return answer


def _trade_enum(params: list[dict[str, Any]]) -> None:
    """A trade path parameter is one of the catalogue (a ``str`` in the handler: an unknown one is 404)."""
    for param in params:
        if param["name"] == "trade":
            param["schema"] = {"type": "string", "enum": list(CATALOGUE), "title": "Trade"}
