"""User journeys over HTTP through the local stack: post a leed, subscribers get emails, a buyer buys."""

from __future__ import annotations

import re
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests


def auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token(user)}"}


def leed_body(trade: str = "dj", days: int = 10) -> dict:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    return {
        "trade": trade,
        "title": "Wedding reception DJ",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=4)).isoformat(),
        "location": {"address": f"{uuid.uuid4().hex[:8]} Main Street", "zip": "90210"},
        "price_cents": 2500,
        "details": "Call the bride's father.",
    }


def post_leed(stack, user: str = "alice", **kwargs) -> requests.Response:
    return requests.post(f"{stack.api}/leeds", json=leed_body(**kwargs), headers=auth(stack, user), timeout=30)


def emails_for(stack, leed_id: str) -> list[dict]:
    return [e for e in stack.get("/_local/emails").json()["items"]
            if leed_id in (e.get("text") or "") + (e.get("html") or "") + e["subject"]]


def test_post_leed_answers_201_with_location(stack):
    resp = post_leed(stack)
    assert resp.status_code == 201, resp.text
    view = resp.json()
    assert resp.headers["Location"] == f"/leeds/{view['id']}"
    assert view["status"] == "for_sale" and view["seller"] == "alice" and view["location"]["zip"] == "90210"


def test_post_leed_reaches_every_subscriber_but_the_seller_by_email(stack):
    leed = post_leed(stack, trade="dj").json()
    stack.wait_idle()
    recipients = sorted(e["to"][0] for e in emails_for(stack, leed["id"]))
    assert recipients == ["bob@example.com", "carol@example.com"]


def test_buy_marks_sold_and_sends_receipts(stack):
    leed = post_leed(stack, trade="caricatures", days=12).json()
    resp = requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=auth(stack, "bob"), timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "sold" and resp.json()["buyer"] == "bob"
    again = requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=auth(stack, "carol"), timeout=30)
    assert again.status_code == 409
    stack.wait_idle()
    sale = {e["to"][0]: e for e in emails_for(stack, leed["id"]) if "receipt" in e["subject"] or
            e["subject"].startswith("Sold:")}
    assert sorted(sale) == ["alice@example.com", "bob@example.com"]
    assert "Call the bride's father." in sale["bob@example.com"]["text"]  # the buyer gets the details
    assert "Call the bride" not in sale["alice@example.com"]["text"]


def test_the_unsubscribe_link_in_an_email_works_over_http(stack):
    headers = auth(stack, "uma")
    assert requests.put(f"{stack.api}/users/me/subscriptions/balloon-art", headers=headers, timeout=30).ok
    leed = post_leed(stack, trade="balloon-art", days=16).json()
    stack.wait_idle()
    [email] = [e for e in emails_for(stack, leed["id"]) if e["to"] == ["uma@example.com"]]
    link = re.search(r"Unsubscribe with one click: (\S+)", email["text"]).group(1)
    assert link.startswith(f"{stack.api}/unsubscribe?token=")

    assert email["headers"]["List-Unsubscribe"] == f"<{link}>"
    assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page = requests.get(link, timeout=30)  # no login: the signed token is the credential; GET changes nothing
    assert page.status_code == 200 and "Stop the Balloon art emails?" in page.text
    me = requests.get(f"{stack.api}/users/me", headers=headers, timeout=30).json()
    assert "balloon-art" in me["subscriptions"]

    done = requests.post(link, data="List-Unsubscribe=One-Click", timeout=30,  # RFC 8058's one-click POST
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    me = requests.get(f"{stack.api}/users/me", headers=headers, timeout=30).json()
    assert "balloon-art" not in me["subscriptions"]
    forged = requests.post(link[:-3] + "xyz", timeout=30)
    assert forged.status_code == 403 and forged.json()["error"] == "forbidden"


def test_subscribing_makes_a_user_a_recipient(stack):
    resp = requests.put(f"{stack.api}/users/me/subscriptions/magician", headers=auth(stack, "erin"), timeout=30)
    assert resp.status_code == 204
    leed = post_leed(stack, trade="magician", days=14).json()
    stack.wait_idle()
    assert [e["to"] for e in emails_for(stack, leed["id"])] == [["erin@example.com"]]


def test_post_leed_latency_over_http(stack):
    session = requests.Session()
    headers = auth(stack, "alice")
    timings = []
    for i in range(20):
        started = time.perf_counter()
        resp = session.post(f"{stack.api}/leeds", json=leed_body(days=20 + i), headers=headers, timeout=30)
        timings.append(time.perf_counter() - started)
        assert resp.status_code == 201, resp.text
    print(f"\nPOST /leeds over HTTP: p50 {statistics.median(timings) * 1000:.1f} ms, "
          f"max {max(timings) * 1000:.1f} ms (n=20)")


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_upload_through_presigned_post_gets_a_thumbnail(stack):
    from infra import cfn
    from infra.local.sam.model import functions

    if not any(fn.s3_events for fn in functions(cfn.load()).values()):
        pytest.skip("not in infra/template.yaml yet: an S3-triggered thumbnail function")
    leed = post_leed(stack, days=30).json()
    resp = requests.post(f"{stack.api}/leeds/{leed['id']}/attachments", headers=auth(stack, "alice"),
                         json={"filename": "band.png", "content_type": "image/png"}, timeout=30)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert requests.get(created["thumbnail_url"], timeout=10).status_code == 404
    upload = created["upload"]
    sent = requests.post(upload["url"], data=upload["fields"], files={"file": ("band.png", _png(1280, 640))},
                         timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    stack.wait_idle()
    thumb = requests.get(created["thumbnail_url"], timeout=10)
    assert thumb.status_code == 200
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(thumb.content))
    assert image.format == "PNG" and max(image.size) == 320


def test_exactly_one_of_many_concurrent_buyers_wins_over_http(stack):
    from concurrent.futures import ThreadPoolExecutor

    leed = post_leed(stack, trade="bartending", days=40).json()
    buyers = [f"buyer{i}" for i in range(8)]
    headers = {b: auth(stack, b) for b in buyers}

    def buy(user: str) -> int:
        return requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=headers[user], timeout=30).status_code

    with ThreadPoolExecutor(len(buyers)) as pool:
        codes = sorted(pool.map(buy, buyers))
    assert codes == [200] + [409] * (len(buyers) - 1)


def test_duplicated_and_failing_async_events_still_send_each_email_once(chaos_stack):
    leed = post_leed(chaos_stack, trade="dj", days=50).json()
    chaos_stack.wait_idle(timeout=30)
    recipients = sorted(e["to"][0] for e in emails_for(chaos_stack, leed["id"]))
    assert recipients == ["bob@example.com", "carol@example.com"]
    stats = chaos_stack.get("/_local/stats").json()
    assert stats["async"]["duplicated"] >= 1


def test_no_email_address_or_private_detail_reaches_the_logs(stack):
    leed = post_leed(stack, trade="dj", days=60).json()
    assert requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=auth(stack, "carol"), timeout=30).ok
    stack.wait_idle()
    assert emails_for(stack, leed["id"])  # emails did go out (to addresses the logs must not show)
    function_lines = [line for line in stack.log.read_text().splitlines()
                      if line.split(" | ", 1)[0].endswith(("Function", "Controller", "Sweeper"))]
    assert any(leed["id"] in line for line in function_lines)
    leaks = [line for line in function_lines if "@example.com" in line or "Call the bride" in line
             or leed["location"]["address"] in line]
    assert leaks == []
