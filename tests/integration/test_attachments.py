"""POST/GET /leeds/{id}/attachments against moto: auth, ownership, media types, the POST policy, a real upload."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from PIL import Image

from handlers import add_attachment, list_attachments
from shared import attachment_records as records
from shared import uploads
from tests.apigw import Reply, call
from tests.integration import leed_factory
from tests.integration.leed_factory import SELLER, all_items

ROUTE = "/leeds/{id}/attachments"


@pytest.fixture
def leed_id(invocations, env, lambda_context) -> str:
    s3 = boto3.client("s3")
    for name in (env["UPLOAD_BUCKET"], env["OUTPUT_BUCKET"]):
        s3.create_bucket(Bucket=name)
    reply = leed_factory.post(lambda_context)
    assert reply.status == 201
    return reply.body["id"]


def attach(context, leed_id: str, user: str | None = SELLER, **body) -> Reply:
    body = body or {"filename": "stage.jpg", "content_type": "image/jpeg"}
    return call(add_attachment, "POST", ROUTE, context, path_params={"id": leed_id}, body=body, user=user)


def listing(context, leed_id: str, user: str | None = "bob") -> Reply:
    return call(list_attachments, "GET", ROUTE, context, path_params={"id": leed_id}, user=user)


def policy(fields: dict[str, str]) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def jpeg(size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (9, 9, 9)).save(out, format="JPEG")
    return out.getvalue()


def test_seller_gets_an_upload_fixed_to_one_key_type_and_size(leed_id, lambda_context) -> None:
    reply = attach(lambda_context, leed_id, filename="../../etc/My Photo.JPG", content_type="image/jpeg")
    assert reply.status == 201, reply.body
    key = reply.body["key"]
    assert uploads.KEY.fullmatch(key) and key.endswith(".jpg")  # one path segment: DELETE .../attachments/{key}
    fields = reply.body["upload"]["fields"]
    assert fields["key"] == f"leeds/{leed_id}/{key}" and fields["Content-Type"] == "image/jpeg"
    doc = policy(fields)
    conditions = doc["conditions"]
    assert {"key": f"leeds/{leed_id}/{key}"} in conditions
    assert {"bucket": "leedz-uploads-test"} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, 10 * 1024 * 1024] in conditions
    expires = datetime.strptime(doc["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 60 <= (expires - datetime.now(UTC)).total_seconds() <= 120  # short: the form is a credential (issue 18)
    thumb = urlparse(reply.body["thumbnail_url"])
    assert "leedz-thumbnails-test" in thumb.netloc + thumb.path and thumb.path.endswith(f"leeds/{leed_id}/{key}")
    assert "X-Amz-Signature" in parse_qs(thumb.query)
    record = [i for i in all_items() if i["sk"].startswith("ATT#") and i["key"] == key]
    assert record and record[0]["filename"] == "My Photo.JPG" and record[0]["uploader"] == SELLER
    assert record[0]["status"] == "pending"


def test_real_upload_through_the_presigned_post_then_listing_and_thumbnail_url(leed_id, lambda_context) -> None:
    created = attach(lambda_context, leed_id).body
    # The thumbnail does not exist yet: its pre-signed GET answers 404 (the client polls it).
    assert requests.get(created["thumbnail_url"], timeout=5).status_code == 404
    data = jpeg()
    upload = created["upload"]
    resp = requests.post(upload["url"], data=upload["fields"], files={"file": ("stage.jpg", data)}, timeout=5)
    assert resp.status_code == 204
    s3_key = f"leeds/{leed_id}/{created['key']}"
    stored = boto3.client("s3").get_object(Bucket="leedz-uploads-test", Key=s3_key)
    assert stored["Body"].read() == data and stored["ContentType"] == "image/jpeg"
    boto3.client("s3").put_object(Bucket="leedz-thumbnails-test", Key=s3_key, Body=b"thumb")
    assert requests.get(created["thumbnail_url"], timeout=5).content == b"thumb"
    items = listing(lambda_context, leed_id).body["items"]
    assert [i["key"] for i in items] == [created["key"]]
    assert requests.get(items[0]["thumbnail_url"], timeout=5).status_code == 200


def test_listing_is_oldest_first_and_empty_for_a_new_leed(leed_id, lambda_context) -> None:
    assert listing(lambda_context, leed_id).body == {"items": []}
    keys = [attach(lambda_context, leed_id).body["key"] for _ in range(3)]
    assert [i["key"] for i in listing(lambda_context, leed_id).body["items"]] == keys


@pytest.mark.parametrize(("filename", "content_type"),
                         [("a.png", "image/png"), ("a.gif", "IMAGE/GIF"), ("a.jpeg", "image/jpeg")])
def test_each_supported_type(leed_id, lambda_context, filename, content_type) -> None:
    reply = attach(lambda_context, leed_id, filename=filename, content_type=content_type)
    assert reply.status == 201
    assert reply.body["upload"]["fields"]["Content-Type"] == content_type.lower()


def test_only_the_seller_may_attach(leed_id, lambda_context) -> None:
    reply = attach(lambda_context, leed_id, user="mallory")
    assert reply.status == 403 and reply.body["error"] == "forbidden"
    assert not [i for i in all_items() if i["sk"].startswith("ATT#")]


@pytest.mark.parametrize("unknown", ["nope", "0" * 32, "a" * 3000])  # a 3,000-byte key: DynamoDB would 400
def test_unknown_leed_is_404(leed_id, lambda_context, unknown) -> None:
    assert attach(lambda_context, unknown).status == 404
    assert listing(lambda_context, unknown).body["error"] == "not_found"


def test_without_a_token_is_401(leed_id, lambda_context) -> None:
    assert attach(lambda_context, leed_id, user=None).status == 401
    assert listing(lambda_context, leed_id, user=None).status == 401


@pytest.mark.parametrize("content_type", ["application/pdf", "image/webp", "text/html"])
def test_other_media_types_are_415(leed_id, lambda_context, content_type) -> None:
    reply = attach(lambda_context, leed_id, filename="a.pdf", content_type=content_type)
    assert reply.status == 415 and reply.body["error"] == "unsupported_media_type"


@pytest.mark.parametrize("body", [
    {"filename": "a.png", "content_type": "image/jpeg"},  # extension does not match the type
    {"filename": "noext", "content_type": "image/jpeg"},
    {"filename": "", "content_type": "image/jpeg"},
    {"content_type": "image/jpeg"},
    {"filename": "a.jpg", "content_type": "image/jpeg", "extra": 1},
    {"filename": 5, "content_type": "image/jpeg"},
])
def test_invalid_bodies_are_422(leed_id, lambda_context, body) -> None:
    reply = attach(lambda_context, leed_id, **body)
    assert reply.status == 422 and reply.body["error"] == "validation_error"
    assert reply.body["details"]


def test_at_most_ten_attachments_then_409(leed_id, lambda_context) -> None:
    for _ in range(uploads.MAX_ATTACHMENTS):
        assert attach(lambda_context, leed_id).status == 201
    reply = attach(lambda_context, leed_id)
    assert reply.status == 409 and reply.body["error"] == "conflict"
    assert len(listing(lambda_context, leed_id).body["items"]) == uploads.MAX_ATTACHMENTS


def test_the_cap_holds_even_if_the_read_is_stale(leed_id, lambda_context, monkeypatch) -> None:
    """The conditional put, not the read, enforces the cap: simulate a read that saw no attachments."""
    for _ in range(uploads.MAX_ATTACHMENTS):
        attach(lambda_context, leed_id)
    monkeypatch.setattr(records, "items", lambda _leed_id: [])
    assert attach(lambda_context, leed_id).status == 409
    assert len([i for i in all_items() if i["sk"].startswith("ATT#")]) == uploads.MAX_ATTACHMENTS


@pytest.mark.parametrize(("raw", "clean"), [
    ("photo.jpg", "photo.jpg"), ("C:\\Users\\me\\a b.png", "a b.png"), ("<script>.gif", "_script_.gif"),
    ("../../x.jpg", "x.jpg"), ("line\nbreak.jpg", "line_break.jpg"),
])
def test_sanitise_filename(raw: str, clean: str) -> None:
    assert uploads.sanitise_filename(raw) == clean
