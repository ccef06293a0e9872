"""Attachments: where an image goes (a pre-signed S3 POST) and where its thumbnail appears (a pre-signed GET).

The browser uploads straight to S3; S3 enforces the POST policy (this key only, the declared Content-Type,
1 byte to 10 MiB, ``upload_expires()`` seconds), so the API never handles file bytes. The thumbnail GET answers
404 until the conversion function has written it; the listing says each attachment's ``status``.

An attachment's ``key`` is the last segment of its S3 key (``leeds/{leed_id}/{key}`` in both buckets), so it is
one path segment in ``DELETE /leeds/{id}/attachments/{key}``. Its item and the cap: ``shared.attachment_records``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import attachment_records as records
from shared import clients, config, db, thumbnails
from shared.errors import Conflict, Forbidden, NotFound, UnsupportedMediaType

MAX_BYTES = 10 * 1024 * 1024
UPLOAD_EXPIRES = 120  # seconds the pre-signed POST is valid, unless $UPLOAD_EXPIRES_SECONDS says otherwise
THUMBNAIL_EXPIRES = 3600  # seconds the thumbnail GET is valid (the client polls, then displays it)
MAX_ATTACHMENTS = records.MAX_ATTACHMENTS  # per leed; one more is 409 (the leed's state refuses a valid request)
KEY = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|gif)")  # what add_attachment makes; anything else is unknown (404)

EXTENSIONS = {"image/jpeg": ("jpg", "jpeg"), "image/png": ("png",), "image/gif": ("gif",)}
_UNSAFE = re.compile(r"[^\w.\- ]+")


def sanitise_filename(name: str) -> str:
    """Display name only (the S3 key never uses it): no path, no control or odd characters, <= 100 chars."""
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[-100:]


def _any_case(text: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in text)


def _documented_types(schema: dict[str, Any]) -> None:
    """The OpenAPI document says what the validators below check: each supported type (any case) with the
    extensions it takes, on a file name whose last segment has something before its extension."""
    last_segment = r"(^|[/\\])[^/\\]*[^/\\ .][^/\\]*"  # sanitise_filename keeps it; its extension follows
    schema["oneOf"] = [
        {"properties": {"content_type": {"pattern": f"^{_any_case(kind)}$"},
                        "filename": {"pattern": rf"{last_segment}\.({'|'.join(map(_any_case, exts))})$"}}}
        for kind, exts in EXTENSIONS.items()]


class NewAttachment(BaseModel):
    """Body of ``POST /leeds/{id}/attachments``. An unsupported type is 415 (checked in ``add_attachment``);
    a supported type whose filename extension does not match it is 422 here."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True,
                              json_schema_extra=_documented_types)

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


def upload_expires() -> int:
    """Seconds an upload URL (and so a pending slot) lives: the template's ``UploadExpiresSeconds``."""
    return int(config.optional("UPLOAD_EXPIRES_SECONDS", str(UPLOAD_EXPIRES)))


def s3_key(leed_id: str, key: str) -> str:
    return f"leeds/{leed_id}/{key}"


def parse_s3_key(s3_key: str) -> tuple[str, str] | None:
    """(leed_id, key) of an upload's S3 key, or None for a key we never hand out."""
    parts = s3_key.split("/")
    if len(parts) == 3 and parts[0] == "leeds" and db.LEED_ID.fullmatch(parts[1]) and KEY.fullmatch(parts[2]):
        return parts[1], parts[2]
    return None


def _leed(leed_id: str) -> dict[str, Any]:
    item = db.find_leed(leed_id)
    if item is None:
        raise NotFound("There is no such leed.")
    return item


def _sellers(leed_id: str, username: str, action: str) -> dict[str, Any]:
    leed = _leed(leed_id)
    if leed["seller"] != username:
        raise Forbidden(f"Only the seller can {action} a leed's images.")
    return leed


def thumbnail_url(leed_id: str, key: str) -> str:
    return clients.s3().generate_presigned_url(
        "get_object", Params={"Bucket": config.thumbnail_bucket(), "Key": s3_key(leed_id, key)},
        ExpiresIn=THUMBNAIL_EXPIRES)


def presigned_upload(s3key: str, content_type: str, expires: int) -> dict[str, Any]:
    """``{"url", "fields"}`` for a browser form POST; boto3 adds the bucket and key conditions itself."""
    return clients.s3().generate_presigned_post(
        Bucket=config.upload_bucket(),
        Key=s3key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_BYTES]],
        ExpiresIn=expires,
    )


def uploaded(item: dict[str, Any]) -> bool:
    """Whether the attachment's file is in the upload bucket (it may be, past its URL's expiry, while the
    conversion has not run yet)."""
    try:
        clients.s3().head_object(Bucket=config.upload_bucket(), Key=s3_key(item["leed_id"], item["key"]))
        return True
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def add_attachment(leed_id: str, new: NewAttachment, username: str) -> dict[str, Any]:
    if new.content_type not in EXTENSIONS:
        raise UnsupportedMediaType(f"Only {', '.join(EXTENSIONS)} images can be attached.")
    _sellers(leed_id, username, "attach")
    key = f"{uuid.uuid4().hex}.{EXTENSIONS[new.content_type][0]}"
    expires = upload_expires()
    # The URL is signed before the slot is taken, and the slot expires no earlier than the URL.
    upload = presigned_upload(s3_key(leed_id, key), new.content_type, expires)
    item = {
        "leed_id": leed_id, "key": key, "filename": new.filename, "content_type": new.content_type,
        "uploader": username, "created_at": datetime.now(UTC).isoformat(),
        "upload_expires": int(records.now()) + expires + 1,
    }
    if not records.claim(leed_id, item, uploaded):
        raise Conflict(f"A leed can have at most {MAX_ATTACHMENTS} attachments; delete one to add another.")
    return {"key": key, "upload": upload, "thumbnail_url": thumbnail_url(leed_id, key)}


def _view(item: dict[str, Any]) -> dict[str, Any]:
    view = {"key": item["key"], "status": item["status"], "thumbnail_url": thumbnail_url(item["leed_id"], item["key"])}
    if item["status"] == records.REJECTED:
        view["reason"] = item.get("reason", "")
    return view


def list_attachments(leed_id: str) -> list[dict[str, Any]]:
    """Oldest first, each with a fresh thumbnail GET (404 until ``ready``). A pending attachment whose upload
    URL expired with nothing uploaded is gone: its slot is free."""
    _leed(leed_id)
    return [_view(i) for i in records.items(leed_id) if not (records.is_expired(i) and not uploaded(i))]


def delete_attachment(leed_id: str, key: str, username: str) -> None:
    """Frees the slot first, then removes the files: a conversion still running then finds its slot gone and
    removes what it wrote (``controllers/thumbnail.py``), so no thumbnail outlives its attachment."""
    _sellers(leed_id, username, "delete")
    item = records.find(leed_id, key) if KEY.fullmatch(key) else None
    if item is None or not records.remove(leed_id, item):
        raise NotFound("This leed has no such attachment.")
    remove_files(leed_id, key, config.upload_bucket())


def remove_files(leed_id: str, key: str, upload_bucket: str) -> None:
    """Delete the upload and its thumbnail (deleting a missing object is no error in S3)."""
    s3 = clients.s3()
    s3.delete_object(Bucket=upload_bucket, Key=s3_key(leed_id, key))
    s3.delete_object(Bucket=config.thumbnail_bucket(), Key=s3_key(leed_id, key))
