"""The local console (``/_local/`` on the API port) in Chromium against the session's stack: a leed posted
through the API and its chain of invocations, the emails it caused as their recipients got them, a forced
failure redriven from the page, the leed's item in the data view, the stats; axe on every page, no console
error, user text shown as text. Each test saves a screenshot of its last page (``SCREENSHOTS/console-*.png``)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from infra.local.launch import Running
from tests.browser.app import App, unique
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS

pytestmark = pytest.mark.xdist_group("browser")

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def open_console(request: pytest.FixtureRequest, browser: Any, web_stack: Running) -> Iterator[Callable[[str], App]]:
    """``open_console(hash)``: a new tab on the console; it must end the test without a console error."""
    apps: list[App] = []

    def open_one(hash_: str = "") -> App:
        ctx = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
        ctx.set_default_timeout(TIMEOUT_MS)
        app = App(ctx.new_page(), web_stack.api)
        apps.append(app)
        app.goto(f"/_local/{hash_}")
        return app

    yield open_one
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, app in enumerate(apps, 1):
            app.page.screenshot(path=str(SCREENSHOTS / f"console-{request.node.name}-{number}.png"), full_page=True)
        failed = getattr(getattr(request.node, "report_call", None), "failed", False)
        if not failed:
            for app in apps:
                app.assert_clean()
    finally:
        for app in apps:
            app.page.context.close()


def post_leed(stack: Running, title: str, trade: str = "dj") -> tuple[str, str]:
    """Post a leed through the API as a new seller; (the request's id, which is its correlation id; leed id)."""
    token = stack.token(unique("seller"))
    start = (datetime.now(UTC) + timedelta(days=12)).replace(microsecond=0)
    body = {"trade": trade, "title": title, "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(), "price_cents": 2500, "details": "Console test",
            "location": {"address": f"{unique('')} Console Street", "zip": "94110"}}
    resp = requests.post(f"{stack.api}/leeds", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.headers["x-amzn-RequestId"], resp.json()["id"]


def wait_for(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return found


def axe_clean(app: App) -> None:
    """No serious or critical violation in the console itself; the email frame is another document (an opaque
    origin axe cannot enter), checked on its own page by the mailbox test."""
    if not app.page.evaluate("() => typeof window.axe !== 'undefined'"):
        from tests.browser.app import AXE
        app.page.evaluate(AXE)
    results = app.page.evaluate("() => axe.run(document, {iframes: false, resultTypes: ['violations']})")
    serious = [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"][:3]]) for v in results["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], app.page.url


def test_invocations_show_the_chain_from_an_http_request_to_its_effects(open_console, web_stack):
    request_id, _ = post_leed(web_stack, unique("Chain gig "))
    console = open_console(f"#invocations?correlation_id={request_id}")
    page = console.page
    console.heading("Invocation chain")
    expect(page.get_by_label("Correlation id")).to_have_value(request_id)
    runs = page.get_by_role("table", name="Synchronous runs (the HTTP request)")
    expect(runs).to_contain_text("AddLeedFunction")
    expect(runs).to_contain_text("success")
    cards = page.get_by_role("article")
    for function in ("notifyUsers", "recordPost"):  # live: the page polls until each has ended
        card = cards.filter(has_text=function).first
        expect(card.locator(".ended")).to_contain_text("succeeded")
        expect(card.get_by_role("table", name="Attempts")).to_contain_text("success")
        expect(card.get_by_role("link", name=request_id)).to_be_visible()  # each carries the request's id
    axe_clean(console)
    page.get_by_role("link", name="Show all").click()
    console.heading("Invocations")
    page.get_by_label("Function", exact=True).select_option("BookkeepingController")
    expect(page).to_have_url(re.compile(r"function=BookkeepingController"))
    expect(cards.first).to_be_visible()
    expect(cards.locator("h3").filter(has_not_text="BookkeepingController")).to_have_count(0)
    card = cards.filter(has_text=request_id).first  # its correlation id links to the chain
    card.get_by_role("link", name=request_id).click()
    console.heading("Invocation chain")
    expect(page.get_by_role("table", name="Synchronous runs (the HTTP request)")).to_contain_text("AddLeedFunction")


def test_mailbox_shows_each_email_as_its_recipient_got_it_and_empties(open_console, web_stack):
    title = f"Mail {XSS} {unique('')}"
    post_leed(web_stack, title)  # bob and carol subscribe to dj
    inbox = "/_local/emails?to=bob@example.com"
    wait_for(lambda: any(title in e["subject"] for e in web_stack.get_json(inbox)["items"]))
    console = open_console("#mailbox")
    page = console.page
    page.get_by_label("Recipient").fill("bob@example.com")
    page.get_by_label("Subject contains").fill(title)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"#mailbox\?to=bob%40example.com"))
    rows = page.locator("ul.emails button")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(title)  # the payload as text, in the list
    rows.first.click()
    email = page.get_by_role("article")
    expect(email.get_by_role("heading", level=2)).to_have_text(re.compile(re.escape(title)))
    headers = email.get_by_role("table", name="Headers")
    expect(headers.get_by_role("row", name=re.compile("^To"))).to_contain_text("bob@example.com")
    expect(headers).to_contain_text("Message-ID")
    frame_element = page.locator("iframe.email-html")
    assert frame_element.get_attribute("sandbox") == ""  # no scripts, an opaque origin
    frame = page.frame_locator("iframe.email-html")
    expect(frame.get_by_text(title)).to_be_visible()  # the HTML part, its payload escaped by the template
    expect(frame.get_by_role("link", name=re.compile("See the leed"))).to_be_visible()
    expect(email.locator("pre.text-part")).to_contain_text(title)
    email.get_by_text("Raw message (MIME)").click()
    expect(email.locator("pre.raw")).to_contain_text("Content-Type: multipart/alternative")
    axe_clean(console)
    html_page = requests.get(f"{web_stack.api}{frame_element.get_attribute('src')}", timeout=10)
    assert html_page.headers["Content-Security-Policy"].startswith("sandbox;") and title in html_page.text.replace(
        "&lt;", "<").replace("&gt;", ">")
    page.get_by_role("button", name="Empty the mailbox").click()
    page.get_by_role("button", name="Yes, empty the mailbox").click()
    expect(page.get_by_role("status").filter(has_text="empty")).to_have_text("The mailbox is empty.")
    expect(rows).to_have_count(0)
    assert web_stack.get_json("/_local/emails")["items"] == []


def test_a_failure_is_redriven_from_the_page_then_purged(open_console, web_stack):
    marker = unique("console-failure-")
    web_stack.client("lambda").invoke(FunctionName="BookkeepingController", InvocationType="Event",
                                      Payload=json.dumps({"function": "noSuch", "correlation_id": marker}))

    def records() -> list[dict[str, Any]]:
        return [r for r in web_stack.get_json("/_local/failed")["items"]
                if r["requestPayload"].get("correlation_id") == marker]

    first = wait_for(records)[0]["requestContext"]["requestId"]
    console = open_console("#failures")
    page = console.page
    console.heading("Failures")
    card = page.get_by_role("article").filter(has_text=first)
    expect(card.get_by_role("heading")).to_contain_text("BookkeepingController")
    expect(card).to_contain_text("has no function 'noSuch'")
    expect(card).to_contain_text("RetriesExhausted")
    card.get_by_text("Payload", exact=True).click()
    expect(card.locator("pre").first).to_contain_text(marker)
    axe_clean(console)
    card.get_by_role("button", name=f"Redrive {first}").click()
    expect(page.get_by_role("status").filter(has_text="Redriven")).to_have_text("Redriven 1 record.")
    expect(card).to_have_count(0)
    # Still an unknown function: the redriven event fails through its retries again, a new record, on the page.
    second = wait_for(lambda: [r for r in records() if r["requestContext"]["requestId"] != first])
    again = page.get_by_role("article").filter(has_text=second[0]["requestContext"]["requestId"])
    expect(again).to_contain_text("noSuch")
    page.get_by_role("button", name="Purge all").click()
    page.get_by_role("button", name="Yes, purge all").click()
    expect(page.get_by_role("status").filter(has_text="Purged")).to_contain_text("Purged")
    expect(page.get_by_text("No failure records")).to_be_visible()
    assert records() == []


def test_data_shows_the_leeds_item_and_the_buckets_objects(open_console, web_stack):
    title = f"Data {XSS} {unique('')}"
    _, leed_id = post_leed(web_stack, title)
    buckets = web_stack.get_json("/_local/data/objects")["buckets"]
    bucket = next(b for b in buckets if "app" in b)  # no trigger on it: a plain object stays plain
    key = f"console-test/{unique('')}.txt"
    web_stack.client("s3").put_object(Bucket=bucket, Key=key, Body=b"hello")
    console = open_console("#data")
    page = console.page
    console.heading("Data")
    page.get_by_label("Partition key begins with").fill(f"LEED#{leed_id}")
    page.get_by_role("button", name="Show items").click()
    items = page.get_by_role("table", name="Items")
    expect(items.locator("tbody tr")).to_have_count(1)
    expect(items).to_contain_text(f"LEED#{leed_id}")
    items.get_by_text("attributes").click()
    expect(items.locator("pre")).to_contain_text(title)  # the payload as text
    page.get_by_label("Bucket").select_option(bucket)
    page.get_by_label("Object key begins with").fill("console-test/")
    page.get_by_role("button", name="Show objects").click()
    objects = page.get_by_role("table", name="Objects")
    expect(objects.locator("tbody tr").filter(has_text=key)).to_contain_text("5 B")
    expect(page.get_by_role("button", name=re.compile("delete|save|edit", re.I))).to_have_count(0)  # read-only
    axe_clean(console)


def test_stats_count_invocations_and_aws_calls(open_console, web_stack):
    post_leed(web_stack, unique("Stats gig "))
    web_stack.wait_idle()
    console = open_console("#stats")
    page = console.page
    console.heading("Stats")
    expect(page.get_by_role("table", name=re.compile("Invocations by outcome"))).to_contain_text("AddLeedFunction")
    calls = page.get_by_role("table", name="AWS calls per service and operation")
    expect(calls.get_by_role("row", name=re.compile("dynamodb TransactWriteItems"))).to_be_visible()
    per_function = page.get_by_role("table", name="AWS calls per function")
    bulk = per_function.get_by_role("row", name=re.compile("EmailController sesv2 SendBulkEmail"))
    expect(bulk).to_be_visible()
    axe_clean(console)


def test_the_console_runs_no_inline_script(open_console, web_stack):
    console = open_console("#invocations")
    page = console.page
    console.heading("Invocations")
    console.expected_statuses.add(0)
    blocked = page.evaluate("""() => new Promise((done) => {
        document.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective), {once: true});
        const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s);
    })""")
    assert blocked.startswith("script-src") and page.evaluate("() => window.ran") is None
    console.errors.clear()  # the violation just provoked is logged as a console error
