"""A seller corrects a leed for sale (PATCH with only what changed; 422 beside the field, 409 above the form),
and another signed-in person reports it once (a second report is refused)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.app import api_leed, post_leed, unique


def test_the_seller_edits_a_leed_and_sees_422_and_409_as_on_the_post_form(open_app, web_stack):
    name = unique("eda")
    seller = open_app("/post", user=name)
    seller.expected_statuses |= {409, 422}
    taken = f"{unique('')} Harbor Rd"
    api_leed(web_stack, name, trade="caricatures", title="Another gig that day", address=taken, zip_code="94110",
             days=6)
    post_leed(seller, trade="caricatures", title="Caricatures at a fair", address=f"{unique('')} Elm St",
              zip_code="94110", price="40", days=6)
    page = seller.page
    expect(page.get_by_role("button", name="Report this leed")).to_have_count(0)  # not one's own leed
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Title")).to_have_value("Caricatures at a fair")
    seller.assert_accessible()  # the filled-in form
    seller.snapshot("leed-edit")
    page.get_by_label("Title").fill("Caricatures at a county fair")
    page.get_by_label("Price (US dollars)").fill("55")
    with page.expect_request(lambda r: r.method == "PATCH") as sent:
        page.get_by_role("button", name="Save changes").click()
    assert json.loads(sent.value.post_data) == {"title": "Caricatures at a county fair", "price_cents": 5500}
    expect(page.get_by_role("status").filter(has_text="Your changes are saved")).to_be_visible()
    seller.heading("Caricatures at a county fair")
    expect(page.get_by_text("$55.00")).to_be_visible()
    page.reload()  # saved on the server
    seller.heading("Caricatures at a county fair")

    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save changes").click()
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{title.get_attribute('aria-describedby').split()[-1]}")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")

    title.fill("Caricatures at a county fair")
    page.get_by_label("Address").fill(taken)  # the other leed's place, that day: a booking conflict
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("already booked")
    expect(page.get_by_role("alert")).not_to_contain_text("Please correct")
    expect(page.get_by_label("Address")).to_have_value(taken)  # the form keeps what the seller typed
    seller.assert_accessible()
    seller.snapshot("leed-edit-409")


def test_another_person_reports_a_leed_once(open_app, web_stack):
    leed_id = api_leed(web_stack, unique("sel"), trade="balloon-art", title="Balloon arch", days=8)
    reporter = open_app(f"/leeds/{leed_id}", user=unique("rex"))
    reporter.expected_statuses |= {409, 422}
    page = reporter.page
    reporter.heading("Balloon arch")
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)  # only the seller edits
    page.get_by_role("button", name="Report this leed").click()
    page.get_by_role("button", name="Send the report").click()  # no reason: the server's 422 beside the field
    expect(page.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    reporter.assert_accessible()
    reporter.snapshot("leed-report")
    page.get_by_label("Reason").fill("The same gig is posted three times.")
    with page.expect_response(lambda r: r.url.endswith("/report")) as answer:
        page.get_by_role("button", name="Send the report").click()
    assert answer.value.status == 202
    expect(page.get_by_role("status").filter(has_text="Thanks, the admins will look at it.")).to_be_visible()

    page.get_by_role("button", name="Report this leed").click()
    page.get_by_label("Reason").fill("Again.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("already reported this leed"))
    reporter.assert_accessible()
