"""Me: the notice that we stopped emailing a bouncing address, and deleting one's account (signed out at once,
the old token refused once the erasure ran); Browse: leedz near a ZIP, and a refused radius beside its field."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.app import api_leed, unique


def test_me_says_we_stopped_emailing_a_bouncing_address(open_app, web_stack):
    name, address = unique("bo"), f"bounce+{unique('')}@simulator.amazonses.com"
    token = web_stack.token(name, address)
    subscribed = web_stack.http.put(f"{web_stack.api}/users/me/subscriptions/live-music", timeout=30,
                                    headers={"Authorization": f"Bearer {token}"})
    assert subscribed.status_code == 204
    api_leed(web_stack, unique("lm"), trade="live-music", title="Jazz trio", days=23)  # emails the subscriber
    assert web_stack.wait_idle(timeout=60)

    app = open_app("/me")
    app.sign_in(name, address)
    app.heading("Me")
    notice = app.page.get_by_role("status").filter(has_text="We stopped emailing you.")
    expect(notice).to_contain_text(f"Our emails to {address} bounce")
    app.assert_accessible()
    app.snapshot("me-bounced")


def test_deleting_my_account_signs_me_out_and_erases_it(open_app, web_stack):
    name = unique("del")
    app = open_app("/me", user=name)
    page = app.page
    app.heading("Me")
    expect(page.get_by_text("We stopped emailing you")).to_have_count(0)  # a deliverable address: no notice
    token = page.evaluate("() => JSON.parse(sessionStorage.getItem('leedz.token')).id_token")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Delete your account and everything in it for good?")).to_be_visible()
    app.assert_accessible()  # the confirmation
    app.snapshot("me-delete-confirm")
    with page.expect_response(lambda r: r.request.method == "DELETE" and r.url.endswith("/users/me")) as answer:
        page.get_by_role("button", name="Yes, delete my account").click()
    assert answer.value.status == 202
    app.heading("Your account is being erased")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # signed out here
    assert page.evaluate("() => sessionStorage.getItem('leedz.token')") is None
    app.assert_accessible()
    app.snapshot("account-erased")

    assert web_stack.wait_idle(timeout=60)
    me = web_stack.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401, me.text  # the old token names an erased account
    app.goto("/me")  # and the app asks to sign in again
    expect(page.get_by_role("heading", name="Sign in to leedz")).to_be_visible()


def test_browse_near_a_zip_lists_only_the_leedz_within_the_radius(open_app, web_stack):
    seller = unique("geo")
    near_title, far_title = f"Photos in Butte {unique('')}", f"Photos in Portland {unique('')}"
    api_leed(web_stack, seller, trade="photography", title=near_title, zip_code="59701", days=30)
    api_leed(web_stack, seller, trade="photography", title=far_title, zip_code="04101", days=31)
    app = open_app("/?trade=photography")
    app.expected_statuses.add(422)
    page = app.page
    expect(page.get_by_role("link", name=far_title)).to_be_visible()  # both listed before the filter
    page.get_by_label("Near ZIP").fill("59701")
    page.get_by_label("Within (km)").fill("500")  # over 200: the API's 422, beside the field
    page.get_by_role("button", name="Filter").click()
    radius = page.get_by_label("Within (km)")
    expect(radius).to_have_attribute("aria-invalid", "true")
    app.snapshot("browse-near-422")
    expect(page.locator(f"#{radius.get_attribute('aria-describedby').split()[-1]}")).to_be_visible()
    expect(page.get_by_role("link", name=far_title)).to_have_count(0)  # no list for filters it refused
    app.assert_accessible()

    page.get_by_label("Within (km)").fill("30")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"trade=photography.*near=59701.*radius_km=30"))
    expect(page.get_by_role("link", name=near_title)).to_be_visible()
    expect(page.get_by_role("link", name=far_title)).to_have_count(0)
    expect(page.get_by_label("Within (km)")).not_to_have_attribute("aria-invalid", "true")
    app.assert_accessible()
    app.snapshot("browse-near")
