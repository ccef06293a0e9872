"""What each route answers, for the OpenAPI document: success status and body, and every error it can return.

powertools documents a route from its signature: request bodies and parameters well, answers poorly (every
route a 200 with a free-form object, and a 422 in its own error shape, not ours). The handlers return plain
dicts, so their answers are described here, once, as the contract states them, and checked against the running
stack by ``tests/e2e/test_fuzz_openapi.py``. Errors that follow from how a route is reached are derived: 401
for a route the template protects, 404 for a path parameter, 400/413/415/422 for a body, 422 for parameters.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from shared.trades import CATALOGUE

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{[^}]+\}")
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
               413: "too_large", 415: "unsupported_media_type", 422: "validation_error", 500: "internal"}


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")  # additionalProperties: false, so a leaked field is a mismatch


class Error(_View):
    error: str
    message: str
    details: Any = None


class PublicLeed(_View):
    id: str
    trade: str
    title: str
    start: str
    end: str
    zip: str
    price_cents: int
    seller: str
    status: Literal["for_sale", "sold", "withdrawn"]
    created_at: str


class LeedLocation(_View):
    address: str
    zip: str


class FullLeed(PublicLeed):
    location: LeedLocation
    details: str
    buyer: str | None


class LeedPage(_View):
    items: list[PublicLeed]
    next: str | None


class Trade(_View):
    name: str
    label: str
    leeds_posted: int
    leeds_sold: int
    subscribers: int


class TradeList(_View):
    items: list[Trade]


class UserStats(_View):
    posted: int
    sold: int
    bought: int
    earned_cents: int
    spent_cents: int


class Profile(_View):
    username: str
    email: str
    name: str
    subscriptions: list[str]
    stats: UserStats


class Notification(_View):
    id: str
    type: str
    leed_id: str
    message: str
    created_at: str


class NotificationPage(_View):
    items: list[Notification]
    next: str | None = None


class PresignedPost(_View):
    url: str
    fields: dict[str, str]


class NewUpload(_View):
    key: str
    upload: PresignedPost
    thumbnail_url: str


class Attachment(_View):
    key: str
    status: Literal["pending", "ready", "rejected"]
    thumbnail_url: str
    reason: str | None = None  # why it was rejected; only when rejected


class AttachmentList(_View):
    items: list[Attachment]


class HtmlPage:
    """Marker: the answer is an HTML page (the unsubscribe link is opened in a browser)."""


# (method, path) -> (success status, its body: any one of these models (none: no body), business errors).
ROUTES: dict[tuple[str, str], tuple[int, tuple[type, ...], tuple[int, ...]]] = {
    ("get", "/trades"): (200, (TradeList,), ()),
    ("get", "/users/me"): (200, (Profile,), ()),
    ("put", "/users/me"): (200, (Profile,), ()),
    ("put", "/users/me/subscriptions/{trade}"): (204, (), (409,)),
    ("delete", "/users/me/subscriptions/{trade}"): (204, (), (409,)),
    ("get", "/users/me/notifications"): (200, (NotificationPage,), ()),
    ("post", "/leeds"): (201, (FullLeed,), (409,)),
    ("get", "/leeds"): (200, (LeedPage,), ()),
    ("get", "/leeds/{leed_id}"): (200, (FullLeed, PublicLeed), ()),
    ("post", "/leeds/{leed_id}/buy"): (200, (FullLeed,), (403, 409)),
    ("delete", "/leeds/{leed_id}"): (204, (), (403, 409)),
    ("post", "/leeds/{leed_id}/attachments"): (201, (NewUpload,), (403, 409, 415)),
    ("get", "/leeds/{leed_id}/attachments"): (200, (AttachmentList,), ()),
    ("delete", "/leeds/{leed_id}/attachments/{key}"): (204, (), (403,)),
    ("get", "/unsubscribe"): (200, (HtmlPage,), (403,)),
    ("post", "/unsubscribe"): (200, (HtmlPage,), (403,)),
}
MODELS = (Error, TradeList, Profile, NotificationPage, LeedPage, FullLeed, PublicLeed, NewUpload, AttachmentList)


def route_key(method: str, path: str) -> tuple[str, str]:
    """(method, path) with parameters unnamed: the template says ``{id}`` where a handler says ``<leed_id>``."""
    return method.lower(), _PARAM.sub("{}", path)


def complete(doc: dict[str, Any], protected: set[tuple[str, str]]) -> dict[str, Any]:
    """Replace powertools' guesses in ``doc`` with ROUTES; ``protected``: (method, path) behind the authorizer."""
    _, defs = models_json_schema([(m, "serialization") for m in MODELS], ref_template=REF)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)  # powertools' error shape, which we never send
    schemas.update(defs.get("$defs", {}))
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            _operation(operation, (method, path), route_key(method, path) in protected)
    return doc


def _operation(operation: dict[str, Any], route: tuple[str, str], protected: bool) -> None:
    status, models, business = ROUTES.get(route, (200, (), ()))
    errors = set(business)
    if protected:
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
    responses: dict[str, Any] = {str(status): _success(status, models, route)}
    for code in sorted(errors):
        responses[str(code)] = _error(code)
    operation["responses"] = responses


def _success(status: int, models: tuple[type, ...], route: tuple[str, str]) -> dict[str, Any]:
    if not models:
        return {"description": "Done; no body."}
    if models == (HtmlPage,):
        return {"description": "An HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}}
    refs = [{"$ref": REF.format(model=m.__name__)} for m in models]
    response: dict[str, Any] = {"description": "Success.",
                                "content": {"application/json": {"schema": refs[0] if len(refs) == 1
                                                                  else {"anyOf": refs}}}}
    if status == 201 and route == ("post", "/leeds"):
        response["headers"] = {"Location": {"description": "/leeds/{id} of the new leed.",
                                            "schema": {"type": "string", "pattern": "^/leeds/[^/]+$"}}}
    return response


def _error(code: int) -> dict[str, Any]:
    schema = {"allOf": [{"$ref": REF.format(model="Error")},
                        {"type": "object", "properties": {"error": {"const": ERROR_CODES[code]}}}]}
    return {"description": ERROR_CODES[code].replace("_", " ").capitalize() + ".",
            "content": {"application/json": {"schema": schema}}}


def _trade_enum(params: list[dict[str, Any]]) -> None:
    """A trade is one of the catalogue (powertools cannot see the validator that says so)."""
    for param in params:
        if param["name"] == "trade":
            param["schema"] = {"type": "string", "enum": list(CATALOGUE), "title": "Trade"}
