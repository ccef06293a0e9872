"""Photos through the UI: the seller uploads straight to S3 (pre-signed POST from the browser, so S3's CORS and
the policy's conditions are exercised), the page waits for the thumbnail and shows it; a file that is not the
image it claims to be is rejected with its reason; the seller deletes a photo."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.app import post_leed, unique

# Until the thumbnail exists its pre-signed GET answers 404 (403 where the reader may not list the bucket): the
# page polls it, and Chromium logs each miss.
THUMBNAIL_NOT_YET = {403, 404}


def png(width: int = 900, height: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def seller_with_leed(open_app, title: str):
    seller = open_app("/post", user=unique("pia"))
    post_leed(seller, trade="photography", title=title, address=f"{unique('')} Elm St", zip_code="60601")
    seller.expected_statuses |= THUMBNAIL_NOT_YET
    return seller


def test_upload_shows_progress_then_the_thumbnail(open_app):
    title = "Photo booth"
    seller = seller_with_leed(open_app, title)
    page = seller.page
    page.get_by_label("Add a photo").set_input_files(  # over the policy's 10 MiB: refused before any transfer
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * (10 * 1024 * 1024 + 1)}])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("under 10 MB")
    page.get_by_label("Add a photo").set_input_files(
        files=[{"name": "booth.png", "mimeType": "image/png", "buffer": png()}])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    thumbnail = page.get_by_role("img", name=f"Photo 1 of {title}")
    expect(thumbnail).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    width, height = thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert (width, height) == (320, 213)  # the conversion's thumbnail, really loaded from the thumbnails bucket

    page.reload()  # and it is there for anyone who opens the leed later
    expect(page.get_by_role("img", name=f"Photo 1 of {title}")).to_be_visible()


def test_a_file_that_is_not_an_image_is_rejected_with_its_reason(open_app, web_stack):
    seller = seller_with_leed(open_app, "Headshots")
    page = seller.page
    page.get_by_label("Add a photo").set_input_files(
        files=[{"name": "fake.png", "mimeType": "image/png", "buffer": b"this is not a PNG" * 10}])
    page.get_by_role("button", name="Upload").click()
    leed_id = page.url.rsplit("/", 1)[1]
    token = web_stack.token(page.get_by_text("Signed in as").locator("strong").inner_text())
    listed: list = []
    for _ in range(150):  # the attachment exists once the page asked for its upload URL
        listed = web_stack.get_json(f"/leeds/{leed_id}/attachments",
                                    headers={"Authorization": f"Bearer {token}"})["items"]
        if listed:
            break
        time.sleep(0.1)
    if listed and "status" not in listed[0]:
        pytest.skip("the API lists attachments without their status yet (CONTRACT.md; issue 11's branch)")
    expect(page.get_by_text("Rejected:")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("img")).to_have_count(0)


def test_the_seller_deletes_a_photo(open_app, web_stack):
    probe = web_stack.http.options(f"{web_stack.api}/leeds/x/attachments/y", timeout=10,
                                   headers={"Origin": web_stack.web, "Access-Control-Request-Method": "DELETE"})
    if probe.status_code != 200 or "access-control-allow-methods" not in {k.lower() for k in probe.headers}:
        pytest.skip("the API has no DELETE /leeds/{id}/attachments/{key} route yet")
    title = "Face painting stall"
    seller = seller_with_leed(open_app, title)
    page = seller.page
    page.get_by_label("Add a photo").set_input_files(
        files=[{"name": "stall.png", "mimeType": "image/png", "buffer": png(200, 200)}])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("img", name=f"Photo 1 of {title}")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Delete photo 1").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("No photos.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("No photos.")).to_be_visible()
