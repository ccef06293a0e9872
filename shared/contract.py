"""What the API answers, as pydantic models declared on the routes (``../shared/CONTRACT.md`` in code).

Each route names its success model in its return annotation (``Response[FullLeed]``), so powertools validates
every answer against it (a leaked field is a 500 and a log line, never data out) and documents it; and names its
answers in ``responses=`` built by ``answers``: the success status with its model, and the business errors only
that route can give (a 409 on a booking conflict). Errors that follow from how a route is reached (401 behind
the authorizer, 404 for a path parameter, 400/413/415/422 for a body) are added where the OpenAPI document is
assembled (``infra/local/api_doc.py``), which knows the template.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import ERROR_CODES


def never_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without the JSON ``null`` pydantic adds for an optional value (``X | None`` becomes "X or
    null"), where the code treats the value as absent or X: the document then says what is accepted."""
    alternatives = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    if len(alternatives) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**alternatives[0], **rest}


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


class MyLeedPage(_View):
    """``GET /users/me/leeds``: the caller's own leeds, so the full view."""

    items: list[FullLeed]
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
    email_status: Literal["ok", "bounced", "complained"] = Field(
        description="ok, or why leedz no longer emails this address: it bounced permanently, or a complaint")


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
    reason: str | None = None  # why it was rejected


class AttachmentList(_View):
    items: list[Attachment]


def request_examples(now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """One valid body per request model, by schema name, for the OpenAPI document (clients' docs, and the
    fuzzer's examples phase). Times are relative to ``now``: a leed must start in the future."""
    start = (now or datetime.now(UTC)).replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=30)
    return {
        "NewLeed": {"trade": "magician", "title": "Magician for a 7th birthday party",
                    "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat(),
                    "location": {"address": "12 Elm Street, Springfield", "zip": "10001"},
                    "price_cents": 2500, "details": "Twelve children; the garden if it is dry."},
        "NewAttachment": {"filename": "stage.jpg", "content_type": "image/jpeg"},
        "ProfileUpdate": {"name": "Sam Rivera"},
    }


HTML_PAGE = "text/html"  # the unsubscribe link lands on a page, opened in a browser
MODELS = (Error, TradeList, Profile, NotificationPage, LeedPage, FullLeed, PublicLeed, NewUpload, AttachmentList,
          MyLeedPage)


def answers(status: int, model: Any = None, *errors: int, media_type: str = "application/json",
            headers: dict[str, Any] | None = None) -> dict[int, dict[str, Any]]:
    """A route's ``responses=``: its success (``model`` None: no body) and the business errors it may give.

    ``model`` may be a union (``FullLeed | PublicLeed``); ``media_type`` ``HTML_PAGE`` documents a page."""
    if media_type == HTML_PAGE:
        success: dict[str, Any] = {"description": "An HTML page.",
                                   "content": {HTML_PAGE: {"schema": {"type": "string"}}}}
    elif model is None:  # empty content, so powertools does not document the ``None`` return as ``null``
        success = {"description": "Done; no body.", "content": {}}
    else:
        success = {"description": "Success.", "content": {media_type: {"model": model}}}
    if headers:
        success["headers"] = headers
    result = {status: success}
    for code in errors:
        result[code] = {"description": ERROR_CODES[code].replace("_", " ").capitalize() + ".",
                        "content": {"application/json": {"model": Error}}}
    return result
