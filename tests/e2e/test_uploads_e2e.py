"""Uploads over HTTP through the local stack: pre-signed POST straight to S3, the S3 event converts it
asynchronously, the client polls the thumbnail's pre-signed GET; a corrupt file ends in /_local/failed."""

from __future__ import annotations

import io
import time

import requests
from PIL import Image

from tests.e2e.test_marketplace_flow import auth, post_leed

MiB = 1024 * 1024


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def new_attachment(stack, filename: str = "stage.jpg", content_type: str = "image/jpeg") -> dict:
    leed = post_leed(stack, user="alice", days=20).json()
    resp = requests.post(f"{stack.api}/leeds/{leed['id']}/attachments", headers=auth(stack, "alice"), timeout=30,
                         json={"filename": filename, "content_type": content_type})
    assert resp.status_code == 201, resp.text
    return {**resp.json(), "leed_id": leed["id"]}


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
    listed = requests.get(f"{stack.api}/leeds/{created['leed_id']}/attachments", headers=auth(stack, "bob"),
                          timeout=30).json()["items"]
    assert [i["key"] for i in listed] == [created["key"]]
    assert requests.get(listed[0]["thumbnail_url"], timeout=10).content == thumb.content


def test_a_corrupt_upload_reaches_the_failure_destination_with_its_key(stack):
    created = new_attachment(stack)
    assert upload(created, b"\xff\xd8\xff this is not a jpeg").status_code == 204
    deadline, record = time.time() + 30, None
    while record is None and time.time() < deadline:
        for item in stack.get("/_local/failed").json()["items"]:
            records = (item.get("requestPayload") or {}).get("Records") or []
            if any(r["s3"]["object"]["key"] == created["key"] for r in records):
                record = item
        time.sleep(0.1)
    assert record is not None, "the failed conversion never reached OnFailure"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3  # MaximumRetryAttempts: 2
    assert "UnsupportedImage" in str(record["responsePayload"])
    assert poll(created["thumbnail_url"], timeout=1).status_code == 404


def test_an_upload_over_10_mib_is_refused_by_s3(stack):
    """The local stack enforces the POST policy (infra/local/s3post.py), as S3 does; moto alone would not."""
    created = new_attachment(stack)
    resp = upload(created, b"\0" * (10 * MiB + 1))
    assert resp.status_code == 400 and "EntityTooLarge" in resp.text
