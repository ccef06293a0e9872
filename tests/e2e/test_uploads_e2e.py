"""Uploads over HTTP through the local stack: pre-signed POST straight to S3, the S3 event converts it
asynchronously, the client polls the thumbnail's pre-signed GET or the listing's status; a file that is not the
image it claims is rejected at once (no retry, nothing in /_local/failed); DELETE and expiry free slots."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from PIL import Image

from tests.e2e.test_marketplace_flow import auth, post_leed

MiB = 1024 * 1024
MAX_ATTACHMENTS = 10
SHORT_EXPIRY = 5  # seconds: UploadExpiresSeconds on short_upload_stack (tests/e2e/conftest.py)


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def new_leed(stack, days: int = 20) -> str:
    resp = post_leed(stack, user="alice", days=days)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def attach(stack, leed_id: str, filename: str = "stage.jpg", content_type: str = "image/jpeg") -> requests.Response:
    return requests.post(f"{stack.api}/leeds/{leed_id}/attachments", headers=auth(stack, "alice"), timeout=30,
                         json={"filename": filename, "content_type": content_type})


def new_attachment(stack, filename: str = "stage.jpg", content_type: str = "image/jpeg") -> dict:
    leed_id = new_leed(stack)
    resp = attach(stack, leed_id, filename, content_type)
    assert resp.status_code == 201, resp.text
    return {**resp.json(), "leed_id": leed_id}


def listing(stack, leed_id: str) -> list[dict]:
    resp = requests.get(f"{stack.api}/leeds/{leed_id}/attachments", headers=auth(stack, "bob"), timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def upload(created: dict, data: bytes, filename: str = "stage.jpg") -> requests.Response:
    form = created["upload"]
    return requests.post(form["url"], data=form["fields"], files={"file": (filename, data)}, timeout=30)


def poll(url: str, timeout: float = 20) -> requests.Response:
    deadline = time.time() + timeout
    while True:
        resp = requests.get(url, timeout=10)
        if resp.status_code == 200 or time.time() > deadline:
            return resp
        time.sleep(0.1)


def test_upload_then_poll_the_thumbnail_until_it_exists(stack):
    created = new_attachment(stack)
    assert requests.get(created["thumbnail_url"], timeout=10).status_code == 404  # not converted yet
    assert upload(created, jpeg((3000, 2000))).status_code == 204
    thumb = poll(created["thumbnail_url"])
    assert thumb.status_code == 200
    assert thumb.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 213)
    assert stack.wait_idle()  # the status is written just after the thumbnail
    listed = listing(stack, created["leed_id"])
    assert [(i["key"], i["status"]) for i in listed] == [(created["key"], "ready")]
    assert requests.get(listed[0]["thumbnail_url"], timeout=10).content == thumb.content


def s3_key(created: dict) -> str:
    return created["upload"]["fields"]["key"]


def failures_for(stack, key: str) -> list[dict]:
    return [item for item in stack.get("/_local/failed").json()["items"]
            if any(r["s3"]["object"]["key"] == key for r in (item.get("requestPayload") or {}).get("Records") or [])]


def thumbnail_invocations(stack) -> dict[str, int]:
    return stack.get("/_local/stats").json()["invocations"].get("ThumbnailFunction", {})


def test_junk_uploaded_as_png_is_rejected_at_once_without_a_retry(stack):
    created = new_attachment(stack, "band.png", "image/png")
    assert stack.wait_idle()
    before = thumbnail_invocations(stack)
    assert upload(created, b"this is not a png, whatever its name says", "band.png").status_code == 204
    deadline, listed = time.time() + 30, []
    while time.time() < deadline:
        listed = listing(stack, created["leed_id"])
        if listed and listed[0]["status"] != "pending":
            break
        time.sleep(0.1)
    assert listed[0]["key"] == created["key"] and listed[0]["status"] == "rejected", listed
    assert "not a readable PNG image" in listed[0]["reason"]
    assert stack.wait_idle()
    assert failures_for(stack, s3_key(created)) == []  # nothing retried into the failure queue
    after = thumbnail_invocations(stack)
    assert {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)} == {"success": 1}, after
    s3 = stack.client("s3")
    upload_bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("leedz-uploads"))
    assert s3.list_objects_v2(Bucket=upload_bucket, Prefix=s3_key(created))["KeyCount"] == 0  # upload deleted
    assert poll(created["thumbnail_url"], timeout=1).status_code == 404


def test_delete_frees_a_slot_and_removes_the_thumbnail(stack):
    leed_id = new_leed(stack, days=21)
    keys = [attach(stack, leed_id).json() for _ in range(MAX_ATTACHMENTS)]
    assert attach(stack, leed_id).status_code == 409
    assert upload(keys[0], jpeg((640, 480))).status_code == 204
    assert poll(keys[0]["thumbnail_url"]).status_code == 200
    url = f"{stack.api}/leeds/{leed_id}/attachments/{keys[0]['key']}"
    assert requests.delete(url, headers=auth(stack, "bob"), timeout=30).status_code == 403
    resp = requests.delete(url, headers=auth(stack, "alice"), timeout=30)
    assert resp.status_code == 204 and resp.content == b""
    assert requests.get(keys[0]["thumbnail_url"], timeout=10).status_code == 404
    assert requests.delete(url, headers=auth(stack, "alice"), timeout=30).status_code == 404
    assert keys[0]["key"] not in [i["key"] for i in listing(stack, leed_id)]
    assert attach(stack, leed_id).status_code == 201
    assert attach(stack, leed_id).status_code == 409


def test_concurrent_attachment_requests_never_exceed_ten(stack):
    leed_id = new_leed(stack, days=22)
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: attach(stack, leed_id).status_code, range(16)))
    assert statuses == [201] * MAX_ATTACHMENTS + [409] * 6
    assert len(listing(stack, leed_id)) == MAX_ATTACHMENTS


def test_the_eleventh_attachment_works_once_unused_upload_urls_expired(short_upload_stack):
    """UploadExpiresSeconds=5 on this stack: ten URLs issued and never used stop counting once they expire."""
    stack = short_upload_stack
    leed_id = new_leed(stack, days=23)
    listing(stack, leed_id)  # warm both functions: no cold start inside the timed part
    assert attach(stack, leed_id).status_code == 201
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:  # in parallel: the cap must be seen before the first URL expires
        assert set(pool.map(lambda _: attach(stack, leed_id).status_code, range(MAX_ATTACHMENTS - 1))) == {201}
    all_issued = time.monotonic()
    assert attach(stack, leed_id).status_code == 409
    assert time.monotonic() - started < SHORT_EXPIRY, "too slow to see the cap before the first URL expired"
    time.sleep(max(0.0, all_issued + SHORT_EXPIRY + 1.5 - time.monotonic()))  # a slot outlives its URL by <= 1 s
    assert listing(stack, leed_id) == []
    fresh = attach(stack, leed_id)
    assert fresh.status_code == 201, fresh.text
    assert [i["key"] for i in listing(stack, leed_id)] == [fresh.json()["key"]]


def test_an_upload_over_10_mib_is_refused_by_s3(stack):
    """The local stack enforces the POST policy (infra/local/s3post.py), as S3 does; moto alone would not."""
    created = new_attachment(stack)
    resp = upload(created, b"\0" * (10 * MiB + 1))
    assert resp.status_code == 400 and "EntityTooLarge" in resp.text
