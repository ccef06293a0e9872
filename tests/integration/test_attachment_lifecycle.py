"""The attachment lifecycle against moto: DELETE /leeds/{id}/attachments/{key}, pending slots that expire with
their upload URL, and the cap of ten under concurrent requests."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from controllers import thumbnail
from handlers import delete_attachment
from infra.local.aws import ddb_lock
from shared import attachment_records as records
from shared import uploads
from tests.apigw import Reply, call, proxy_event
from tests.integration import leed_factory
from tests.integration.leed_factory import SELLER, all_items
from tests.integration.test_attachments import attach, jpeg, listing
from tests.integration.test_thumbnail_function import s3_event

ROUTE = "/leeds/{id}/attachments/{key}"
UPLOADS, THUMBS = "leedz-uploads-test", "leedz-thumbnails-test"


@pytest.fixture
def leed_id(invocations, env, lambda_context) -> str:
    for name in (UPLOADS, THUMBS):
        boto3.client("s3").create_bucket(Bucket=name)
    return leed_factory.post(lambda_context).body["id"]


def delete(context, leed: str, key: str, user: str | None = SELLER) -> Reply:
    return call(delete_attachment, "DELETE", ROUTE, context, path_params={"id": leed, "key": key}, user=user)


def uploaded_and_converted(leed: str, key: str) -> str:
    """Put the upload and a thumbnail where the conversion would; returns the S3 key."""
    s3_key = uploads.s3_key(leed, key)
    boto3.client("s3").put_object(Bucket=UPLOADS, Key=s3_key, Body=jpeg())
    boto3.client("s3").put_object(Bucket=THUMBS, Key=s3_key, Body=b"thumb")
    records.mark_ready(leed, records.find(leed, key))
    return s3_key


def objects(bucket: str) -> list[str]:
    return [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def attachment_items() -> list[dict]:
    return [i for i in all_items() if i["sk"].startswith("ATT#")]


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """Move the attachment records' clock forward by ``seconds`` (AWS signing keeps the real clock)."""
    def advance(seconds: float) -> None:
        monkeypatch.setattr(records, "now", lambda: time.time() + seconds)
    return advance


def test_the_seller_deletes_an_attachment_with_its_files_and_a_bodyless_204(leed_id, lambda_context) -> None:
    key = attach(lambda_context, leed_id).body["key"]
    other = attach(lambda_context, leed_id).body["key"]
    s3_key = uploaded_and_converted(leed_id, key)
    event = proxy_event("DELETE", ROUTE, path_params={"id": leed_id, "key": key}, user=SELLER)
    result = delete_attachment.handler(event, lambda_context)
    assert result["statusCode"] == 204 and not result.get("body")  # no body, not even "null"
    assert s3_key not in objects(UPLOADS) and s3_key not in objects(THUMBS)
    assert [i["key"] for i in listing(lambda_context, leed_id).body["items"]] == [other]
    assert delete(lambda_context, leed_id, key).status == 404  # gone: a second DELETE finds nothing


def test_deleting_frees_a_slot_for_the_eleventh(leed_id, lambda_context) -> None:
    keys = [attach(lambda_context, leed_id).body["key"] for _ in range(uploads.MAX_ATTACHMENTS)]
    assert attach(lambda_context, leed_id).status == 409
    assert delete(lambda_context, leed_id, keys[3]).status == 204
    assert attach(lambda_context, leed_id).status == 201
    assert attach(lambda_context, leed_id).status == 409
    assert len(attachment_items()) == uploads.MAX_ATTACHMENTS


def test_only_the_seller_may_delete(leed_id, lambda_context) -> None:
    key = attach(lambda_context, leed_id).body["key"]
    s3_key = uploaded_and_converted(leed_id, key)
    before = attachment_items()
    reply = delete(lambda_context, leed_id, key, user="mallory")
    assert reply.status == 403 and reply.body["error"] == "forbidden"
    assert delete(lambda_context, leed_id, key, user=None).status == 401
    assert attachment_items() == before and s3_key in objects(UPLOADS) and s3_key in objects(THUMBS)


def test_unknown_leed_or_key_is_404(leed_id, lambda_context) -> None:
    key = attach(lambda_context, leed_id).body["key"]
    other_leed = leed_factory.post(lambda_context, start_at=leed_factory.future(days=30)).body["id"]
    unknown = [(leed_id, f"{uuid.uuid4().hex}.jpg"), (leed_id, "x" * 3000), (leed_id, "ATT#00"),
               (other_leed, key), (uuid.uuid4().hex, key), ("nope", key)]
    for leed, wanted in unknown:
        reply = delete(lambda_context, leed, wanted)
        assert reply.status == 404 and reply.body["error"] == "not_found", (leed, wanted)
    assert [i["key"] for i in listing(lambda_context, leed_id).body["items"]] == [key]


def test_listing_says_each_attachments_status(leed_id, lambda_context) -> None:
    pending, ready, rejected = (attach(lambda_context, leed_id).body["key"] for _ in range(3))
    for key, body in ((ready, jpeg()), (rejected, b"not a jpeg")):
        boto3.client("s3").put_object(Bucket=UPLOADS, Key=uploads.s3_key(leed_id, key), Body=body)
        thumbnail.handler(s3_event(UPLOADS, uploads.s3_key(leed_id, key)), lambda_context)
    items = {i["key"]: i for i in listing(lambda_context, leed_id).body["items"]}
    assert {k: i["status"] for k, i in items.items()} == {pending: "pending", ready: "ready", rejected: "rejected"}
    assert "not a readable JPEG image" in items[rejected]["reason"]
    assert "reason" not in items[pending] and "reason" not in items[ready]


def test_a_pending_slot_expires_with_its_upload_url(leed_id, lambda_context, later) -> None:
    for _ in range(uploads.MAX_ATTACHMENTS):
        assert attach(lambda_context, leed_id).status == 201
    assert attach(lambda_context, leed_id).status == 409
    later(uploads.upload_expires() - 5)  # still valid: still counted
    assert attach(lambda_context, leed_id).status == 409
    later(uploads.upload_expires() + 2)  # every URL expired, nothing uploaded (the TTL has not run: it is lazy)
    assert listing(lambda_context, leed_id).body == {"items": []}
    fresh = attach(lambda_context, leed_id)
    assert fresh.status == 201
    assert [i["key"] for i in listing(lambda_context, leed_id).body["items"]] == [fresh.body["key"]]
    assert len(attachment_items()) == uploads.MAX_ATTACHMENTS  # the expired items were reused, not added to


def test_expired_slots_whose_file_arrived_or_was_converted_stay_taken(leed_id, lambda_context, later) -> None:
    keys = [attach(lambda_context, leed_id).body["key"] for _ in range(uploads.MAX_ATTACHMENTS)]
    late = uploads.s3_key(leed_id, keys[0])  # uploaded in time, not converted yet
    boto3.client("s3").put_object(Bucket=UPLOADS, Key=late, Body=jpeg())
    uploaded_and_converted(leed_id, keys[1])  # ready
    records.mark_rejected(leed_id, records.find(leed_id, keys[2]), "not a readable JPEG image")
    later(uploads.upload_expires() + 2)
    listed = {i["key"]: i["status"] for i in listing(lambda_context, leed_id).body["items"]}
    assert listed == {keys[0]: "pending", keys[1]: "ready", keys[2]: "rejected"}
    for _ in range(uploads.MAX_ATTACHMENTS - 3):
        assert attach(lambda_context, leed_id).status == 201
    assert attach(lambda_context, leed_id).status == 409


def test_the_upload_url_and_the_slot_expire_together(leed_id, lambda_context, monkeypatch) -> None:
    monkeypatch.setenv("UPLOAD_EXPIRES_SECONDS", "42")
    created = attach(lambda_context, leed_id).body
    item = records.find(leed_id, created["key"])
    assert abs(item["upload_expires"] - (time.time() + 42)) <= 2
    assert item["expires_at"] > item["upload_expires"]  # the TTL tidies up later; the cap never waits for it


def test_concurrent_requests_never_exceed_the_cap(leed_id, lambda_context) -> None:
    ddb_lock.install()  # moto's DynamoDB is not thread-safe; real DynamoDB is atomic per request
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: attach(lambda_context, leed_id).status, range(16)))
    assert sorted(statuses) == [201] * uploads.MAX_ATTACHMENTS + [409] * 6
    assert len(attachment_items()) == uploads.MAX_ATTACHMENTS
    assert len({i["key"] for i in attachment_items()}) == uploads.MAX_ATTACHMENTS
