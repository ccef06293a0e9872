"""Attachments: where an image goes (a pre-signed S3 POST) and where its thumbnail appears (a pre-signed GET).

The browser uploads straight to S3; S3 enforces the POST policy (this key only, the declared Content-Type,
1 byte to 10 MiB, 10 minutes), so the API never handles file bytes. The thumbnail GET answers 404 until the
conversion function has written it: the client polls it, there is no status endpoint.

The attachment item (``db.attachment_key``) is written with a conditional increment of ``attachment_count``
on the leed item in one transaction, so the cap holds under concurrent requests too.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import clients, config, db, thumbnails
from shared.errors import Conflict, Forbidden, NotFound, UnsupportedMediaType

MAX_BYTES = 10 * 1024 * 1024
UPLOAD_EXPIRES = 600  # seconds the pre-signed POST is valid
THUMBNAIL_EXPIRES = 3600  # seconds the thumbnail GET is valid (the client polls, then displays it)
MAX_ATTACHMENTS = 10  # per leed; one more is 409 conflict (the request is valid, the leed's state refuses it)

EXTENSIONS = {"image/jpeg": ("jpg", "jpeg"), "image/png": ("png",), "image/gif": ("gif",)}
_UNSAFE = re.compile(r"[^\w.\- ]+")


def sanitise_filename(name: str) -> str:
    """Display name only (the S3 key never uses it): no path, no control or odd characters, <= 100 chars."""
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[-100:]


class NewAttachment(BaseModel):
    """Body of ``POST /leeds/{id}/attachments``. An unsupported type is 415 (checked in ``add_attachment``);
    a supported type whose filename extension does not match it is 422 here."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=1, max_length=100)

    @field_validator("filename")
    @classmethod
    def _clean(cls, value: str) -> str:
        cleaned = sanitise_filename(value)
        if not thumbnails.extension(cleaned):
            raise ValueError("must be a file name with an extension, e.g. photo.jpg")
        return cleaned

    @field_validator("content_type")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @model_validator(mode="after")
    def _extension_matches(self) -> NewAttachment:
        allowed = EXTENSIONS.get(self.content_type)
        if allowed and thumbnails.extension(self.filename) not in allowed:
            raise ValueError(f"a {self.content_type} file name must end in .{' or .'.join(allowed)}")
        return self


def _leed(leed_id: str) -> dict[str, Any]:
    item = db.find_leed(leed_id)
    if item is None:
        raise NotFound("There is no such leed.")
    return item


def thumbnail_url(key: str) -> str:
    return clients.s3().generate_presigned_url(
        "get_object", Params={"Bucket": config.thumbnail_bucket(), "Key": key}, ExpiresIn=THUMBNAIL_EXPIRES)


def presigned_upload(key: str, content_type: str) -> dict[str, Any]:
    """``{"url", "fields"}`` for a browser form POST; boto3 adds the bucket and key conditions itself."""
    return clients.s3().generate_presigned_post(
        Bucket=config.upload_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_BYTES]],
        ExpiresIn=UPLOAD_EXPIRES,
    )


def _record(leed_id: str, item: dict[str, Any]) -> None:
    count = {"Update": {
        "Key": db.to_ddb(db.leed_key(leed_id)),
        "UpdateExpression": "SET attachment_count = if_not_exists(attachment_count, :zero) + :one",
        "ConditionExpression": "attribute_exists(pk) AND seller = :me"
                               " AND (attribute_not_exists(attachment_count) OR attachment_count < :max)",
        "ExpressionAttributeValues": db.values(zero=0, one=1, me=item["uploader"], max=MAX_ATTACHMENTS),
    }}
    put = {"Put": {"Item": db.to_ddb(item), "ConditionExpression": "attribute_not_exists(pk)"}}
    try:
        db.transact([count, put])
    except db.TransactionCancelled as exc:
        if exc.failed(0):
            raise Conflict(f"A leed can have at most {MAX_ATTACHMENTS} attachments.") from exc
        raise


def add_attachment(leed_id: str, new: NewAttachment, username: str) -> dict[str, Any]:
    if new.content_type not in EXTENSIONS:
        raise UnsupportedMediaType(f"Only {', '.join(EXTENSIONS)} images can be attached.")
    leed = _leed(leed_id)
    if leed["seller"] != username:
        raise Forbidden("Only the seller can attach images to a leed.")
    if int(leed.get("attachment_count", 0)) >= MAX_ATTACHMENTS:
        raise Conflict(f"A leed can have at most {MAX_ATTACHMENTS} attachments.")
    key = f"leeds/{leed_id}/{uuid.uuid4().hex}.{EXTENSIONS[new.content_type][0]}"
    _record(leed_id, {
        **db.attachment_key(leed_id, key), "leed_id": leed_id, "key": key, "filename": new.filename,
        "content_type": new.content_type, "uploader": username, "created_at": datetime.now(UTC).isoformat(),
    })
    return {"key": key, "upload": presigned_upload(key, new.content_type), "thumbnail_url": thumbnail_url(key)}


def list_attachments(leed_id: str) -> list[dict[str, Any]]:
    """Oldest first, each with a fresh thumbnail GET (404 until converted)."""
    _leed(leed_id)
    items = db.query_all(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :att)",
        ExpressionAttributeValues=db.values(pk=db.leed_key(leed_id)["pk"], att="ATT#"),
        ConsistentRead=True,
    )
    ordered = sorted(items, key=lambda i: i.get("created_at", ""))
    return [{"key": i["key"], "thumbnail_url": thumbnail_url(i["key"])} for i in ordered]
