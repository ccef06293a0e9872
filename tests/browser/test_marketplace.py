"""The marketplace through the UI: a seller signs in and posts, the leed is browsable, a second person (another
browser context) buys it, then the buyer sees the address and details and both hear about the sale."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.app import fill_post_form, post_leed, unique


def test_sign_in_comes_back_to_the_page_and_sign_out_forgets_the_user(open_app):
    app = open_app("/notifications")  # a page that needs a user sends one to sign in first
    app.sign_in(unique("nina"))
    assert app.page.url.endswith("/notifications")
    app.heading("Notifications")
    page = app.page
    assert "code=" not in page.url and "token" not in page.url
    assert page.evaluate("() => localStorage.length") == 0  # tokens never in localStorage
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('leedz.token')") is None
    app.goto("/me")  # signed out for real: the sign-in page asks again
    expect(page.get_by_role("heading", name="Sign in to leedz")).to_be_visible()


def test_post_browse_buy_and_both_sides_hear_of_it(open_app, web_stack):
    seller_name, buyer_name = unique("sam"), unique("bea")
    title, address = f"Wedding DJ {unique('')}", f"{unique('')} Valencia St"
    seller = open_app("/post", user=seller_name)
    leed_id = post_leed(seller, trade="dj", title=title, address=address, zip_code="94110", price="125.50",
                        details="Call Pat at 555-0100")
    expect(seller.page.get_by_text(f"{address}, 94110")).to_be_visible()
    expect(seller.page.get_by_role("button", name="Withdraw")).to_be_visible()
    seller.page.get_by_role("link", name="Notifications").click()  # open before the sale: Refresh shows it
    expect(seller.page.get_by_text("Nothing yet")).to_be_visible()

    buyer = open_app("/", user=buyer_name)
    page = buyer.page
    page.get_by_role("link", name=re.compile(r"^DJ")).click()
    page.get_by_label("ZIP code").fill("94110")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"trade=dj.*zip=94110"))
    page.get_by_role("link", name=title).click()
    buyer.heading(title)
    expect(page.get_by_text("Call Pat")).to_have_count(0)  # the public view: no details, no address
    expect(page.get_by_text(address)).to_have_count(0)
    page.get_by_role("button", name="Buy for $125.50").click()
    expect(page.get_by_text(f"Buy “{title}” for $125.50?")).to_be_visible()
    page.get_by_role("button", name="Yes, buy it").click()
    expect(page.get_by_role("status")).to_contain_text("You bought this leed")
    expect(page.get_by_text("Call Pat at 555-0100")).to_be_visible()
    expect(page.get_by_text(f"{address}, 94110")).to_be_visible()

    assert web_stack.wait_idle()
    seller.page.get_by_role("button", name="Refresh").click()
    buyer.page.get_by_role("link", name="Notifications").click()
    for app, who in ((seller, "seller"), (buyer, "buyer")):
        app.heading("Notifications")
        item = app.page.get_by_role("listitem").filter(has=app.page.get_by_role("link", name="See the leed"))
        expect(item.first, f"the {who}'s notification").to_contain_text(title)
    seller.page.get_by_role("link", name="See the leed").first.click()
    expect(seller.page.get_by_text(buyer_name)).to_be_visible()  # the seller now sees who bought it
    assert leed_id in seller.page.url


def test_withdraw_takes_a_leed_off_sale(open_app):
    seller = open_app("/post", user=unique("wes"))
    post_leed(seller, trade="magician", title="Birthday magic", address=f"{unique('')} Oak Ave", zip_code="10001")
    page = seller.page
    page.get_by_role("button", name="Withdraw").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.get_by_role("status")).to_contain_text("You withdrew this leed")
    expect(page.get_by_role("button", name="Withdraw")).to_have_count(0)


def test_validation_errors_sit_beside_their_fields_and_a_conflict_above_the_form(open_app):
    seller = open_app("/post", user=unique("val"))
    seller.expected_statuses |= {409, 422}
    address = f"{unique('')} Pine St"
    fill_post_form(seller, trade="bartending", title="Bar at a party", address=address, zip_code="9411")
    page = seller.page
    page.get_by_role("button", name="Post the leed").click()
    zip_input = page.get_by_label("ZIP code")
    expect(zip_input).to_have_attribute("aria-invalid", "true")
    error_id = zip_input.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_be_visible()  # the message sits beside the input it concerns
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(page.get_by_label("Title")).not_to_have_attribute("aria-invalid", "true")

    zip_input.fill("94110")
    page.get_by_role("button", name="Post the leed").click()
    page.wait_for_url(re.compile(r".*/leeds/[^/]+$"))
    page.goto(seller.base + "/post")  # the same trade, day and place again: a booking conflict (409)
    fill_post_form(seller, trade="bartending", title="Bar at a party again", address=address, zip_code="94110")
    page.get_by_role("button", name="Post the leed").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_contain_text("Please correct")
    assert "/post" in page.url


def test_subscribe_on_me_then_unsubscribe_from_the_email_link(open_app, web_stack):
    name = unique("sue")
    fan = open_app("/me", user=name)
    page = fan.page
    toggle = page.get_by_role("switch", name="Face painting")
    expect(toggle).not_to_be_checked()
    with page.expect_response(lambda r: r.request.method == "PUT" and "/subscriptions/face-painting" in r.url):
        toggle.check()
    page.reload()  # saved on the server, not just ticked
    expect(page.get_by_role("switch", name="Face painting")).to_be_checked()

    seller = web_stack.token(unique("fay"))
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=12)
    body = {"trade": "face-painting", "title": "Face painting at a fair", "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(), "price_cents": 1500, "details": "",
            "location": {"address": f"{unique('')} Fair Grounds", "zip": "30301"}}
    web_stack.http.post(f"{web_stack.api}/leeds", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {seller}"}).raise_for_status()
    assert web_stack.wait_idle()
    address = f"{name}@example.com"
    emails = [e for e in web_stack.get_json(f"/_local/emails?to={address}")["items"] if address in e["to"]]
    links = [m.group(0) for e in emails for m in re.finditer(r"https?://\S+/unsubscribe\?token=[^\s\"'<>]+", e["text"])]
    assert links, emails  # the new-leed email, with its unsubscribe link
    token = parse_qs(urlsplit(links[0]).query)["token"][0]

    visitor = open_app(f"/unsubscribe?token={token}")  # the link's token, in the app, signed out
    visitor.page.get_by_role("button", name="Unsubscribe").click()
    expect(visitor.page.get_by_role("status")).to_contain_text("You are unsubscribed")
    page.reload()
    expect(page.get_by_role("switch", name="Face painting")).not_to_be_checked()
