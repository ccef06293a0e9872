"""controllers/thumbnail.py against moto: an S3 event in; a thumbnail out and the attachment ``ready``, or the
attachment ``rejected`` and its upload deleted (returning normally: no retry); only AWS errors raise."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from controllers import thumbnail
from shared import uploads
from tests.integration import leed_factory
from tests.integration.leed_factory import SELLER


@pytest.fixture
def buckets(invocations, env: dict[str, str]) -> tuple[str, str]:
    s3 = boto3.client("s3")
    for name in (env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]):
        s3.create_bucket(Bucket=name)
    return env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]


@pytest.fixture
def leed_id(buckets, lambda_context) -> str:
    reply = leed_factory.post(lambda_context)
    assert reply.status == 201
    return reply.body["id"]


def attachment(leed_id: str, content_type: str = "image/jpeg", body: bytes | None = None) -> str:
    """A new attachment (as POST /leeds/{id}/attachments makes it) and, given ``body``, its upload: its S3 key."""
    filename = "a." + uploads.EXTENSIONS[content_type][0]
    new = uploads.NewAttachment(filename=filename, content_type=content_type)
    key = uploads.s3_key(leed_id, uploads.add_attachment(leed_id, new, SELLER)["key"])
    if body is not None:
        boto3.client("s3").put_object(Bucket="leedz-uploads-test", Key=key, Body=body, ContentType=content_type)
    return key


def state(s3_key: str) -> dict[str, Any] | None:
    """The attachment as the listing shows it (None: not listed)."""
    leed_id, key = s3_key.split("/")[1:]
    return next((i for i in uploads.list_attachments(leed_id) if i["key"] == key), None)


def objects(bucket: str) -> list[str]:
    return [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def s3_event(bucket: str, *keys: str) -> dict[str, Any]:
    """The record shape AWS sends for s3:ObjectCreated (keys URL-encoded, as S3 does)."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-22T19:00:00.000Z", "eventName": "ObjectCreated:Post",
        "userIdentity": {"principalId": "AWS:EXAMPLE"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "R", "x-amz-id-2": "I"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "thumbs",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "O"}, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key, safe="/"), "size": 1, "eTag": "e", "sequencer": "0A"}},
    } for key in keys]}


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (640, 640)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (1, 2, 3, 128)).save(out, format="PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A 60-byte PNG that declares ``width`` x ``height`` pixels: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def temp_files(request_id: str) -> list[str]:
    return [n for n in os.listdir(tempfile.gettempdir()) if n.startswith(request_id)]


def test_upload_becomes_a_thumbnail_under_the_same_key(leed_id, lambda_context, metrics_emitted) -> None:
    key = attachment(leed_id, body=jpeg((2000, 1500)))
    assert state(key)["status"] == "pending"
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    obj = boto3.client("s3").get_object(Bucket="leedz-thumbnails-test", Key=key)
    assert obj["ContentType"] == "image/jpeg"
    assert Image.open(io.BytesIO(obj["Body"].read())).size == (320, 240)
    assert state(key)["status"] == "ready" and "reason" not in state(key)
    assert temp_files(lambda_context.aws_request_id) == []
    assert metrics_emitted()["ThumbnailConversions"] == 1


def test_repeated_event_writes_the_same_thumbnail(leed_id, lambda_context) -> None:
    key = attachment(leed_id, "image/png", png())
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    first = boto3.client("s3").get_object(Bucket="leedz-thumbnails-test", Key=key)["Body"].read()
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert boto3.client("s3").get_object(Bucket="leedz-thumbnails-test", Key=key)["Body"].read() == first
    assert objects("leedz-thumbnails-test") == [key]
    assert state(key)["status"] == "ready"


def test_the_same_upload_form_used_three_times_converts_once(leed_id, lambda_context, metrics_emitted) -> None:
    """Issue 18.6: only a pending attachment converts; its status moves once. The pre-signed form stays valid
    until it expires, so a client may upload again under the same key: each upload is an S3 event."""
    key = attachment(leed_id, body=jpeg((800, 600)))
    outcomes = []
    for size in ((800, 600), (600, 800), (300, 400)):  # later uploads are portrait
        boto3.client("s3").put_object(Bucket="leedz-uploads-test", Key=key, Body=jpeg(size))
        outcomes += thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)["thumbnails"]

    assert [o["outcome"] for o in outcomes] == ["ready", "already ready", "already ready"]
    assert metrics_emitted()["ThumbnailConversions"] == 1
    thumb = boto3.client("s3").get_object(Bucket="leedz-thumbnails-test", Key=key)["Body"].read()
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)  # the first upload's


def test_a_rejected_slot_keeps_nothing_uploaded_under_its_key_later(leed_id, lambda_context) -> None:
    key = attachment(leed_id, "image/png", b"not a png")
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    boto3.client("s3").put_object(Bucket="leedz-uploads-test", Key=key, Body=png())  # the form, used again

    result = thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)

    assert result["thumbnails"] == [{"key": key, "outcome": "already rejected"}]
    assert state(key)["status"] == "rejected"
    assert objects("leedz-uploads-test") == [] and objects("leedz-thumbnails-test") == []


@pytest.mark.parametrize(("content_type", "body", "reason"), [
    ("image/png", b"this is not a png at all", "not a readable PNG image"),
    ("image/jpeg", b"\xff\xd8\xff this is not really a jpeg", "JPEG image"),
    ("image/jpeg", png(), "not a readable JPEG image"),  # a valid image, but not of its declared type
    ("image/png", png_header_only(60_000, 60_000), "PNG image"),  # decompression bomb (Pillow refuses it)
    ("image/png", png_header_only(8_000, 8_000), "pixel limit"),  # 64 MP: over our own limit
])
def test_an_invalid_image_is_rejected_at_once_and_its_upload_deleted(
        leed_id, lambda_context, metrics_emitted, content_type, body, reason) -> None:
    key = attachment(leed_id, content_type, body)
    result = thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)  # returns: nothing to retry
    assert result["thumbnails"] == [{"key": key, "outcome": "rejected"}]
    seen = state(key)
    assert seen["status"] == "rejected" and reason in seen["reason"]
    assert lambda_context.aws_request_id not in seen["reason"]  # no temp-file path in what the seller reads
    assert objects("leedz-uploads-test") == [] and objects("leedz-thumbnails-test") == []
    assert temp_files(lambda_context.aws_request_id) == []
    assert metrics_emitted()["ThumbnailRejections"] == 1
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)  # a repeated event: no change
    assert {**state(key), "thumbnail_url": ""} == {**seen, "thumbnail_url": ""}  # a URL signed a second later differs


def test_a_transient_aws_error_raises_and_the_retry_succeeds(leed_id, lambda_context, monkeypatch) -> None:
    key = attachment(leed_id, body=jpeg((400, 300)))
    real = thumbnail.clients.s3

    class Failing:
        def __getattr__(self, name: str) -> Any:
            if name == "put_object":
                def fail(**_: Any) -> None:
                    raise ClientError({"Error": {"Code": "InternalError", "Message": "try again"}}, "PutObject")
                return fail
            return getattr(real(), name)

    monkeypatch.setattr(thumbnail.clients, "s3", Failing)
    with pytest.raises(ClientError, match="InternalError"):
        thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert state(key)["status"] == "pending" and objects("leedz-uploads-test") == [key]
    monkeypatch.setattr(thumbnail.clients, "s3", real)
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)  # Lambda's retry
    assert state(key)["status"] == "ready"


# Keys the function is triggered for (the template's filter: prefix leeds/) that no attachment holds.
@pytest.mark.parametrize("key", ["leeds/abc/photo one.jpg", "leeds/doc.pdf", f"leeds/{'0' * 32}/{'1' * 32}.png"])
def test_an_upload_no_attachment_holds_is_deleted(buckets, lambda_context, key) -> None:
    boto3.client("s3").put_object(Bucket="leedz-uploads-test", Key=key, Body=jpeg((100, 100)))
    result = thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert result["thumbnails"] == [{"key": key, "outcome": "orphan"}]
    assert objects("leedz-uploads-test") == [] and objects("leedz-thumbnails-test") == []


def test_an_attachment_deleted_during_its_conversion_leaves_no_thumbnail(leed_id, lambda_context,
                                                                         monkeypatch) -> None:
    key = attachment(leed_id, body=jpeg((400, 400)))
    real = thumbnail.thumbnails.make_thumbnail

    def deleted_meanwhile(source: Path, fmt: str) -> bytes:
        uploads.delete_attachment(leed_id, key.rsplit("/", 1)[1], SELLER)
        return real(source, fmt)

    monkeypatch.setattr(thumbnail.thumbnails, "make_thumbnail", deleted_meanwhile)
    result = thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert result["thumbnails"] == [{"key": key, "outcome": "orphan"}]
    assert objects("leedz-uploads-test") == [] and objects("leedz-thumbnails-test") == []
    assert state(key) is None


def test_temp_file_exists_during_conversion_and_is_gone_after(leed_id, lambda_context, monkeypatch) -> None:
    key = attachment(leed_id, body=jpeg((400, 400)))
    during: list[bool] = []
    real = thumbnail.thumbnails.make_thumbnail

    def watching(source: Path, fmt: str) -> bytes:
        during.append(Path(source).exists() and Path(source).name == f"{lambda_context.aws_request_id}-0.jpg")
        return real(source, fmt)

    monkeypatch.setattr(thumbnail.thumbnails, "make_thumbnail", watching)
    thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert during == [True]
    assert temp_files(lambda_context.aws_request_id) == []


def test_an_upload_already_gone_is_no_error_and_leaves_no_temp_file(leed_id, lambda_context) -> None:
    key = attachment(leed_id, "image/gif")  # the event outlived its object (e.g. a repeat after a rejection)
    result = thumbnail.handler(s3_event("leedz-uploads-test", key), lambda_context)
    assert result["thumbnails"] == [{"key": key, "outcome": "gone"}]
    assert temp_files(lambda_context.aws_request_id) == []
    assert state(key)["status"] == "pending"
