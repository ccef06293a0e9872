"""controllers/thumbnail.py against moto: an S3 event in, a thumbnail out, the temp file always gone."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from PIL import Image

from controllers import thumbnail
from shared.thumbnails import UnsupportedImage


@pytest.fixture
def buckets(aws: None, env: dict[str, str]) -> tuple[str, str]:
    s3 = boto3.client("s3")
    for name in (env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]):
        s3.create_bucket(Bucket=name)
    return env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]


def s3_event(bucket: str, *keys: str) -> dict[str, Any]:
    """The record shape AWS sends for s3:ObjectCreated (keys URL-encoded, as S3 does)."""
    from urllib.parse import quote_plus

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


def temp_files(request_id: str) -> list[str]:
    return [n for n in os.listdir(tempfile.gettempdir()) if n.startswith(request_id)]


def test_upload_becomes_a_thumbnail_under_the_same_key(buckets, lambda_context, metrics_emitted) -> None:
    uploads, thumbs = buckets
    s3 = boto3.client("s3")
    key = "leeds/abc/photo one.jpg"
    s3.put_object(Bucket=uploads, Key=key, Body=jpeg((2000, 1500)))
    thumbnail.handler(s3_event(uploads, key), lambda_context)
    obj = s3.get_object(Bucket=thumbs, Key=key)
    assert obj["ContentType"] == "image/jpeg"
    assert Image.open(io.BytesIO(obj["Body"].read())).size == (320, 240)
    assert temp_files(lambda_context.aws_request_id) == []
    assert metrics_emitted()["ThumbnailConversions"] == 1


def test_repeated_event_writes_the_same_thumbnail(buckets, lambda_context) -> None:
    uploads, thumbs = buckets
    s3 = boto3.client("s3")
    s3.put_object(Bucket=uploads, Key="k.png", Body=_png())
    thumbnail.handler(s3_event(uploads, "k.png"), lambda_context)
    first = s3.get_object(Bucket=thumbs, Key="k.png")["Body"].read()
    thumbnail.handler(s3_event(uploads, "k.png"), lambda_context)
    assert s3.get_object(Bucket=thumbs, Key="k.png")["Body"].read() == first
    assert s3.list_objects_v2(Bucket=thumbs)["KeyCount"] == 1


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (640, 640), (1, 2, 3, 128)).save(out, format="PNG")
    return out.getvalue()


def test_corrupt_upload_raises_writes_nothing_and_removes_the_temp_file(buckets, lambda_context, monkeypatch) -> None:
    uploads, thumbs = buckets
    s3 = boto3.client("s3")
    s3.put_object(Bucket=uploads, Key="bad.jpg", Body=b"\xff\xd8 this is not really a jpeg")
    seen: list[Path] = []
    real_convert = thumbnail.convert

    def spy(bucket: str, key: str, temp: Path, output_bucket: str) -> int:
        seen.append(temp)
        return real_convert(bucket, key, temp, output_bucket)

    monkeypatch.setattr(thumbnail, "convert", spy)
    with pytest.raises(UnsupportedImage):
        thumbnail.handler(s3_event(uploads, "bad.jpg"), lambda_context)
    assert seen and seen[0].name.startswith(lambda_context.aws_request_id)
    assert not seen[0].exists()
    assert s3.list_objects_v2(Bucket=thumbs)["KeyCount"] == 0


def test_temp_file_exists_during_conversion_and_is_gone_after(buckets, lambda_context, monkeypatch) -> None:
    uploads, _ = buckets
    boto3.client("s3").put_object(Bucket=uploads, Key="a.jpg", Body=jpeg((400, 400)))
    during: list[bool] = []
    real = thumbnail.thumbnails.make_thumbnail

    def watching(source: Path, fmt: str) -> bytes:
        during.append(Path(source).exists() and Path(source).name == f"{lambda_context.aws_request_id}-0.jpg")
        return real(source, fmt)

    monkeypatch.setattr(thumbnail.thumbnails, "make_thumbnail", watching)
    thumbnail.handler(s3_event(uploads, "a.jpg"), lambda_context)
    assert during == [True]
    assert temp_files(lambda_context.aws_request_id) == []


def test_unsupported_extension_raises_a_clear_error(buckets, lambda_context) -> None:
    uploads, _ = buckets
    boto3.client("s3").put_object(Bucket=uploads, Key="doc.pdf", Body=b"%PDF-1.4")
    with pytest.raises(UnsupportedImage, match=r"unsupported file type 'pdf' for doc\.pdf"):
        thumbnail.handler(s3_event(uploads, "doc.pdf"), lambda_context)


def test_missing_object_raises_and_leaves_no_temp_file(buckets, lambda_context) -> None:
    uploads, _ = buckets
    with pytest.raises(Exception, match=r"404|Not Found"):
        thumbnail.handler(s3_event(uploads, "gone.gif"), lambda_context)
    assert temp_files(lambda_context.aws_request_id) == []
